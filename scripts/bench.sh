#!/usr/bin/env bash
# Every figure of issue 17's table against its baseline, in one run:
#
#   scripts/bench.sh                 # import at 200,000 and N=1,000,000; the rest at N
#   scripts/bench.sh 100000          # a smaller N
#   BENCH_5M=1 scripts/bench.sh      # also peak memory at 5,000,000 messages
#                                    # (about 7 GB of export: deleted afterwards)
#
# Rows: import vs the bare quick-xml + rusqlite baseline (benches/import.rs,
# median of 3: wall, CPU = user + system, peak RSS, and the load average); TUI first frame; `i` and `m` latency; `senders`;
# HTML evidence (size, headless Chromium render when installed); peak memory
# of export, senders and the TUI start. "before" is the same work without the
# findings cache (the full computation every command and the TUI did).
# Wall-clock figures on a shared machine vary; each is a median.
#
# Needs python3 (for ../shared/tools/gen_sms.py) and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
data=${OPTOUT_BENCH_DATA:-target/bench-data}
mkdir -p "$data"
tz=Asia/Shanghai # the zone benches/answers.rs uses: one findings cache for both

generated() {
  local file="$data/gen-$1.xml"
  if [ ! -s "$file" ]; then
    echo "generating $file …" >&2
    python3 ../shared/tools/gen_sms.py --messages "$1" --seed 7 --out "$file" >&2
  fi
  echo "$file"
}

cargo build --release --locked --bin optout --bench import --bench answers >/dev/null 2>&1 ||
  cargo build --release --locked --bin optout --bench import --bench answers
newest() { ls -t target/release/deps/"$1"-* | grep -v '\.d$' | head -n1; }
import_bench=$(newest import)
answers=$(newest answers)
opt=target/release/optout
echo "$(nproc) cores, $(uname -m); release build; files in the page cache"

# peak RSS in MB, wall and CPU (user + system) seconds of a command: "MB s cpu"
# (GNU time writes its figures to a file: the command's own output is dropped)
rss_of() {
  local f
  f=$(mktemp)
  if ! /usr/bin/time -o "$f" -f '%M %e %U %S' "$@" >/dev/null 2>&1; then
    echo "failed: $*" >&2
    rm -f "$f"
    return 1
  fi
  awk '{ printf "%.1f %.2f %.2f\n", $1 / 1024, $2, $3 + $4 }' "$f"
  rm -f "$f"
}
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# wall milliseconds of a command, median of 3 after a warm-up run
ms_of() {
  "$@" >/dev/null 2>&1
  local t=()
  for _ in 1 2 3; do
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1
    e=$(date +%s%N)
    t+=($(((e - s) / 1000000)))
  done
  median "${t[@]}"
}

echo
echo "== import (median of 3: optout vs the baseline, the same file) =="
for size in 200000 "$n"; do
  file=$(generated "$size")
  declare -A rate=() mem=() cpu=()
  for mode in baseline optout; do
    rates=() rss=() cpus=()
    for _ in 1 2 3; do
      out=$( { /usr/bin/time -v "$import_bench" "$mode" "$file" 2>&1; } )
      rates+=("$(echo "$out" | sed -n 's/.*= \([0-9]*\) messages\/s/\1/p')")
      rss+=("$(echo "$out" | sed -n 's/.*Maximum resident set size (kbytes): //p')")
      cpus+=("$(echo "$out" | awk -F': ' '/User time|System time/ { t += $2 } END { print t }')")
    done
    rate[$mode]=$(median "${rates[@]}")
    mem[$mode]=$(median "${rss[@]}")
    cpu[$mode]=$(median "${cpus[@]}")
  done
  awk -v n="$size" -v o="${rate[optout]}" -v b="${rate[baseline]}" -v om="${mem[optout]}" -v bm="${mem[baseline]}" \
    -v oc="${cpu[optout]}" -v bc="${cpu[baseline]}" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
    'BEGIN { printf "import %d: optout %.2f s, %.2f s CPU (%d msg/s, %.1f MB) vs baseline %.2f s, %.2f s CPU (%d msg/s, %.1f MB): %.2fx the baseline'"'"'s time (target <= 1.0x; load average %s)\n",
      n, n / o, oc, o, om / 1024, n / b, bc, b, bm / 1024, b / o, load }'
done

file=$(generated "$n")
db="$data/bench-$n.sqlite3"
if [ ! -s "$db" ]; then
  echo "importing $file into $db …" >&2
  "$opt" --db "$db" --tz "$tz" import "$file" >/dev/null 2>&1
fi

echo
echo "== answers at $n messages (benches/answers.rs: TestBackend 120x40, medians) =="
# benches/answers.rs ignores senders and records opt-outs: give it a copy, so
# the rows below still find the violating senders.
answers_db="$data/answers-$n.sqlite3"
cp "$db" "$answers_db"
"$answers" "$answers_db" 2>/dev/null | awk '
  { v[$1] = $2 }
  END {
    printf "TUI start to a filled senders list: first frame %s ms from the cache (before: %s ms, the full report first) (target <= 100 ms)\n", v["tui_first_frame_cached"], v["tui_start_to_list_rebuilding_cache"]
    printf "  (start-up done, the stored labels checked against the rules version: %s ms)\n", v["tui_start_to_list_cached"]
    printf "TUI i (ignore): %s ms, m (manual opt-out): %s ms, only the touched senders recomputed (before: %s ms, the whole report) (target <= 50 ms)\n", v["tui_ignore"], v["tui_manual"], v["report_full"]
  }'

senders_cached=$(ms_of "$opt" --db "$db" --tz "$tz" senders --json)
# Before: the same command on an emptied cache (each run rebuilds it).
senders_full=()
for _ in 1 2 3; do
  sqlite3 "$db" 'DELETE FROM findings_state' 2>/dev/null ||
    python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('DELETE FROM findings_state'); c.commit()" "$db"
  s=$(date +%s%N)
  "$opt" --db "$db" --tz "$tz" senders --json >/dev/null 2>&1
  e=$(date +%s%N)
  senders_full+=($(((e - s) / 1000000)))
done
rm -f "$answers_db" "$answers_db"-wal "$answers_db"-shm
echo "optout senders --json: $senders_cached ms from the cache (before: $(median "${senders_full[@]}") ms, the full computation) (target <= 150 ms)"

echo
echo "== HTML evidence of every violating sender, $n messages =="
html="$data/evidence-$n.html"
read -r html_mb html_s html_cpu < <(rss_of "$opt" --db "$db" --tz "$tz" export --format html --force --out "$html")
echo "export --format html: $(du -h "$html" | cut -f1) written in $html_s s ($html_cpu s CPU), peak RSS $html_mb MB (before: 50.9 MB of HTML)"
if command -v chromium >/dev/null 2>&1; then
  RENDER_PDF=0 scripts/render-evidence.sh "$html" | grep 'rendered' | sed 's/^/headless Chromium: /;s/$/ (target <= 3 s)/'
else
  echo "headless Chromium: not installed (scripts/render-evidence.sh installs it and measures)"
fi

memory_at() {
  local size=$1 db=$2
  read -r exp_mb _ < <(rss_of "$opt" --db "$db" --tz "$tz" export --format json --force --out "$data/evidence-$size.json")
  read -r html_mb _ < <(rss_of "$opt" --db "$db" --tz "$tz" export --format html --force --out "$data/evidence-$size.html")
  read -r sen_mb _ < <(rss_of "$opt" --db "$db" --tz "$tz" senders --json)
  read -r tui_mb _ < <(rss_of "$answers" "$db" tui-start)
  echo "peak RSS at $size messages: export json $exp_mb MB, html $html_mb MB, senders $sen_mb MB, TUI start $tui_mb MB (target <= 64 MB each)"
  rm -f "$data/evidence-$size.json" "$data/evidence-$size.html"
}

echo
echo "== peak memory =="
memory_at "$n" "$db"
if [ "${BENCH_5M:-}" = 1 ]; then
  big="$data/gen-5000000.xml"
  big_db="$data/bench-5000000.sqlite3"
  [ -s "$big_db" ] || {
    generated 5000000 >/dev/null
    read -r imp_mb imp_s imp_cpu < <(rss_of "$opt" --db "$big_db" --tz "$tz" import "$big")
    echo "import 5000000: $imp_s s ($imp_cpu s CPU), peak RSS $imp_mb MB"
    rm -f "$big"
  }
  memory_at 5000000 "$big_db"
fi


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
