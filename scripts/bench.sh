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

# ---------------------------------------------------------------------------
# Search (issue 17): `optout search` through the FTS5 trigram index on a
# database of the same generated messages, a Chinese and an English term,
# a rare and a common one each, median of 5 runs (process start to exit).
#   scripts/bench.sh            # runs it after the import figures
search_bench() {
  cargo build --release --locked --bin optout >/dev/null 2>&1
  local bin=target/release/optout db="$data/search-$n.sqlite3"
  if [ ! -s "$db" ]; then
    echo "building $db for the search figures …"
    OPTOUT_DB="$db" OPTOUT_TZ=UTC "$bin" import "$file" >/dev/null
  fi
  echo "search on $(OPTOUT_DB="$db" "$bin" lines | awk 'NR==2{print $2}') messages ($(du -hL "$db" | cut -f1) database):"
  local term
  for term in 视频会员退订 分期手续费 "package came" "miss you" 退订; do
    local times=() i s e hits
    for i in 1 2 3 4 5; do
      s=$(date +%s%N)
      hits=$(OPTOUT_DB="$db" OPTOUT_TZ=UTC "$bin" search --json --limit 100 "$term" 2>/dev/null |
        grep -c '"id":' || true)
      e=$(date +%s%N)
      times+=("$(( (e - s) / 1000000 ))")
    done
    printf '  %-14s median %5s ms  (runs: %s; %s rows shown, limit 100)\n' \
      "$term" "$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)" "${times[*]}" "$hits"
  done
  echo "  target: ≤ 50 ms for a 3+ character term at 1,000,000 messages; 退订 (2 characters) is the bounded scan"
}
search_bench
