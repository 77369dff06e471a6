#!/usr/bin/env bash
# Runs every benchmark binary in BUILD_DIR/bench and prints its results; then, when the scenario
# exists, times the end-to-end run of bench/e2e_1m.yaml (wall time and peak RSS).
# Usage: scripts/run-bench.sh BUILD_DIR      (BUILD_DIR configured with -DCMAKE_BUILD_TYPE=Release)
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build_dir=$1
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"

echo "# machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "# commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

found=0
for bin in "$build_dir"/bench/*; do
  [ -f "$bin" ] && [ -x "$bin" ] || continue
  found=1
  echo "## $(basename "$bin")"
  if "$bin" --help 2>&1 | grep -q benchmark_min_time; then
    # Google Benchmark: long enough runs for stable items_per_second on a busy machine.
    "$bin" --benchmark_min_time=1 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
  else
    "$bin"
  fi
done
if [ "$found" -eq 0 ]; then
  echo "no benchmark binaries in $build_dir/bench (configure with -DXPUSIM_BUILD_BENCH=ON)" >&2
fi

if [ -f bench/e2e_1m.yaml ] && [ ! -x "$build_dir/xpusim" ]; then
  echo "## skipping bench/e2e_1m.yaml: $build_dir/xpusim not built" >&2
elif [ -f bench/e2e_1m.yaml ]; then
  echo "## xpusim run bench/e2e_1m.yaml"
  out_dir=$(mktemp -d)
  trap 'rm -rf "$out_dir"' EXIT
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$build_dir/xpusim" -q run bench/e2e_1m.yaml --out "$out_dir" 2>"$out_dir/time.txt" \
      || { cat "$out_dir/time.txt" >&2; exit 1; }
    grep -E 'Elapsed \(wall clock\)|Maximum resident set size' "$out_dir/time.txt"
  else
    time "$build_dir/xpusim" -q run bench/e2e_1m.yaml --out "$out_dir"
  fi
fi
