#!/usr/bin/env bash
# Renders evidence HTML in headless Chromium: a PNG screenshot (as a screen
# shows it) and PDFs on A4 and Letter (as a browser prints it), to look at
# before trusting a change to the HTML or its CSS. Not part of `cargo test`.
#
#   scripts/render-evidence.sh                 # the test fixture's evidence (en, zh, redacted)
#   scripts/render-evidence.sh FILE.html …     # your own exports
#
# For each page it prints its size and how long headless Chromium took to
# load, lay out and screenshot it (the figure issue 17 sets at <= 3 s), and
# the CPU time of all its processes when perf is installed (`perf stat`
# follows the renderer processes; on a shared machine the wall time is not
# the page's alone). RENDER_PDF=0 skips the two PDFs (a page of a thousand
# printed pages takes a minute each).
#
# Output goes to target/evidence-check/. Installs Debian's chromium (and
# CJK fonts, so Chinese renders) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/evidence-check
mkdir -p "$out"

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then need+=(fonts-noto-cjk); fi
if ((${#need[@]})); then
  echo "installing ${need[*]} …" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if (($# == 0)); then
  OPTOUT_EVIDENCE_SAMPLE_DIR="$PWD/$out" cargo test --quiet --test export sample_html_for_the_chromium_check >/dev/null
  set -- "$out"/evidence-en.html "$out"/evidence-zh.html "$out"/evidence-zh-redacted.html
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile" "$profile.stat"' EXIT
chrome() {
  # No network, no sync, no first-run UI; the profile is thrown away.
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    "$@" 2>/dev/null
}

for html in "$@"; do
  html=$(realpath "$html")
  base="$out/$(basename "${html%.html}")"
  cpu=
  start=$(date +%s.%N)
  if command -v perf >/dev/null 2>&1 &&
    perf stat -x, -e task-clock -o "$profile.stat" true 2>/dev/null; then
    perf stat -x, -e task-clock -o "$profile.stat" \
      chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
      --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
      --screenshot="$base.png" --window-size=1240,1754 "file://$html" >/dev/null 2>&1
    cpu=$(awk -F, '/task-clock/ { printf " (%.2f s CPU in all of Chromium'"'"'s processes)", $1 / 1000 }' "$profile.stat")
  else
    chrome --screenshot="$base.png" --window-size=1240,1754 "file://$html"
  fi
  end=$(date +%s.%N)
  awk -v f="$html" -v b="$(stat -c %s "$html")" -v s="$start" -v e="$end" -v c="$cpu" \
    'BEGIN { printf "%s: %d bytes, rendered and screenshot in %.2f s%s\n", f, b, e - s, c }'
  if [ "${RENDER_PDF:-1}" = 0 ]; then
    echo "$base.png"
    continue
  fi
  # The CSS leaves the paper size to the printer; force each size in a copy.
  for paper in A4 Letter; do
    copy="$base.$paper.html"
    sed "s#</style>#@page { size: $paper; }</style>#" "$html" >"$copy"
    chrome --no-pdf-header-footer --print-to-pdf="$base.$paper.pdf" "file://$(realpath "$copy")"
    rm -f "$copy"
    if command -v pdfinfo >/dev/null 2>&1; then
      echo "$base.$paper.pdf: $(pdfinfo "$base.$paper.pdf" | grep -E '^(Pages|Page size)' | tr -s ' ' | paste -sd ';')"
    else
      echo "$base.$paper.pdf: $(grep -ao '/MediaBox *\[[^]]*\]' "$base.$paper.pdf" | head -1)"
    fi
  done
  echo "$base.png"
done
