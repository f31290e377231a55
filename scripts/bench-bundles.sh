#!/usr/bin/env bash
# Scale benchmark for advocates (issue 14): N evidence bundles of about M
# messages each (scripts/gen_bundles.py, valid integrity hashes), imported
# into a fresh database with one `optout import` call, then the ranking.
# Reports wall time and peak RSS (GNU time -v) of each step.
#
#   scripts/bench-bundles.sh                  # 10,000 bundles of ~100 messages
#   scripts/bench-bundles.sh 1000 100         # a smaller run
#   LOOP=500 scripts/bench-bundles.sh         # also time one import per file for 500 files
#   KEEP=1 scripts/bench-bundles.sh           # keep the bundles and the database
#
# Needs: python3, GNU time at /usr/bin/time (Debian: apt-get install time),
# cargo. Data goes to $BENCH_DATA (default /work/bench-data/bundles, else
# target/bench-data/bundles), removed at the end unless KEEP=1.
# Targets on a 2-core machine: import < 2 min, offenders < 2 s, RSS < 64 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
m=${2:-100}
for need in python3 cargo; do
  command -v "$need" >/dev/null || { echo "bench-bundles: needs $need" >&2; exit 1; }
done
if ! /usr/bin/time -v true >/dev/null 2>&1; then
  echo "bench-bundles: needs GNU time at /usr/bin/time (apt-get install time)" >&2
  exit 1
fi
if [ -z "${BENCH_DATA:-}" ]; then
  if [ -d /work ] && [ -w /work ]; then BENCH_DATA=/work/bench-data/bundles; else BENCH_DATA=target/bench-data/bundles; fi
fi
target=${CARGO_TARGET_DIR:-target}
cargo build --release --locked --bin optout >/dev/null
bin="$target/release/optout"
data="$BENCH_DATA/$n-$m"
db="$BENCH_DATA/casebook-$n-$m.sqlite3"
cleanup() {
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$data" "$db" "$db-wal" "$db-shm" "$BENCH_DATA/loop.sqlite3"*; fi
}
trap cleanup EXIT
if [ ! -s "$data/b$(printf %05d $((n - 1))).json" ]; then
  echo "generating $n bundles of ~$m messages in $data …"
  python3 scripts/gen_bundles.py --out "$data" --bundles "$n" --messages "$m"
fi
rm -f "$db" "$db-wal" "$db-shm"
echo "input: $n bundles, $(du -sh "$data" | cut -f1), $(nproc) cores, $(uname -m)"

# One step: wall seconds and peak RSS (MB) from GNU time.
measure() {
  local label=$1
  shift
  local log
  log=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { tail -5 "$log" >&2; rm -f "$log"; exit 1; }
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log" |
    awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
  cpu=$(sed -n 's/.*\(User\|System\) time (seconds): //p' "$log" | awk '{ s += $1 } END { print s }')
  printf '%-34s %8.2f s (CPU %7.2f s)   peak RSS %6.1f MB\n' "$label" "$wall" "$cpu" "$(awk "BEGIN{print $rss/1024}")"
  rm -f "$log"
}

export OPTOUT_DB="$db" OPTOUT_TZ=Asia/Shanghai
# One call with every file (the arguments fit: ~40 bytes each).
measure "import ($n files, one call)" "$bin" import "$data"/b*.json
# The first command after the import computes every new line's findings
# into the findings cache; later ones read the cache a row at a time.
measure "offenders (first: fills the cache)" "$bin" offenders
measure "offenders (from the cache)" "$bin" offenders
# Counted after the first ranking: `lines` reads the findings too.
echo "database: $(du -h "$db" | cut -f1), $("$bin" lines | tail -n +2 | wc -l) lines"
measure "offenders --json --min-lines 3" "$bin" offenders --json --min-lines 3
measure "export --offenders (html)" "$bin" export --offenders --force --out "$BENCH_DATA/offenders.html"
measure "export --offenders (csv)" "$bin" export --offenders --force --out "$BENCH_DATA/offenders.csv"
rm -f "$BENCH_DATA/offenders.html" "$BENCH_DATA/offenders.csv"
if [ -n "${LOOP:-}" ]; then
  # One process per file, as a shell loop over the bundles would do it.
  export OPTOUT_DB="$BENCH_DATA/loop.sqlite3"
  rm -f "$OPTOUT_DB"*
  start=$(date +%s.%N)
  for f in $(ls "$data"/b*.json | head -n "$LOOP"); do "$bin" import "$f" >/dev/null 2>&1; done
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v k="$LOOP" -v n="$n" \
    'BEGIN{printf "import one file per call (%d files)  %8.2f s   (%.1f ms a file; %d files: ~%.0f s)\n", k, e-s, (e-s)*1000/k, n, (e-s)*n/k}'
fi
