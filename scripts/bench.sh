#!/usr/bin/env bash
# Import benchmark: messages/second and peak RSS of optout's import against a
# bare quick-xml + rusqlite baseline, median of 3 runs each.
#
#   scripts/bench.sh            # 1,000,000 messages (about 1.5 GB with MMS media)
#   scripts/bench.sh 100000     # a smaller run
#
# Needs python3 (for ../shared/tools/gen_sms.py) and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
data=target/bench-data
mkdir -p "$data"
file="$data/gen-$n.xml"
if [ ! -s "$file" ]; then
  echo "generating $file …"
  python3 ../shared/tools/gen_sms.py --messages "$n" --seed 7 --out "$file"
fi
cargo build --release --bench import >/dev/null 2>&1 || cargo bench --bench import --no-run
bench=$(ls -t target/release/deps/import-* | grep -v '\.d$' | head -n1)
echo "input: $file ($(du -hL "$file" | cut -f1)), $(nproc) cores, $(uname -m)"
for mode in baseline optout reimport; do
  rates=(); rss=()
  for i in 1 2 3; do
    out=$( { /usr/bin/time -v "$bench" "$mode" "$file" 2>&1; } )
    rates+=("$(echo "$out" | sed -n 's/.*= \([0-9]*\) messages\/s/\1/p')")
    rss+=("$(echo "$out" | sed -n 's/.*Maximum resident set size (kbytes): //p')")
  done
  med_rate=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n 2p)
  med_rss=$(printf '%s\n' "${rss[@]}" | sort -n | sed -n 2p)
  printf '%-9s median %9s messages/s   peak RSS %6.1f MB   (runs: %s)\n' \
    "$mode" "$med_rate" "$(awk "BEGIN{print $med_rss/1024}")" "${rates[*]}"
  eval "rate_$mode=$med_rate"
done
awk -v o="$rate_optout" -v b="$rate_baseline" -v r="$rate_reimport" \
  'BEGIN{printf "ratio optout/baseline: %.2fx, re-import/baseline: %.2fx\n", o/b, r/b}'
