#!/usr/bin/env bash
# Runs every benchmark binary in BUILD_DIR/bench and prints its results; then times the scenarios
# in bench/ (wall time, peak RSS, events, requests): see docs/performance.md.
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

if [ ! -x "$build_dir/xpusim" ]; then
  echo "## skipping the scenario benchmarks: $build_dir/xpusim not built" >&2
  exit 0
fi
out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT

# time_scenario LABEL FILE [xpusim run options...]: wall time, peak RSS and events of one run.
time_scenario() {
  local label=$1 file=$2
  shift 2
  echo "## $label: xpusim run $file $*"
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$build_dir/xpusim" -q run "$file" --out "$out_dir/$label" "$@" \
      2>"$out_dir/$label.time" || { cat "$out_dir/$label.time" >&2; exit 1; }
    grep -E 'User time|Elapsed \(wall clock\)|Maximum resident set size' "$out_dir/$label.time"
  else
    time "$build_dir/xpusim" -q run "$file" --out "$out_dir/$label" "$@"
  fi
  grep -E '"(events|arrived|completed)"' "$out_dir/$label/summary.json" | tr -d ' ,' | paste -sd' '
  rm -rf "${out_dir:?}/$label"
}

# The scenarios of docs/performance.md ("End to end" and "Realistic scenarios").
time_scenario e2e_1m bench/e2e_1m.yaml
time_scenario e2e_1m_no_csv bench/e2e_1m.yaml --requests-csv none
if [ -f bench/mooncake_prefix.yaml ] && [ -f ../shared/traces/mooncake/conversation_trace.jsonl ]; then
  time_scenario mooncake_prefix bench/mooncake_prefix.yaml --requests-csv none
else
  echo "## skipping mooncake_prefix: ../shared/traces/mooncake/conversation_trace.jsonl not found" >&2
fi
time_scenario many_instances_1024 bench/many_instances_1024.yaml --requests-csv none
time_scenario many_instances bench/many_instances.yaml --requests-csv none
# Capacity-aware routers over 8,192 instances of two kinds (issue 19 item 3).
time_scenario many_instances_capacity bench/many_instances_capacity.yaml --requests-csv none
time_scenario many_instances_phase_aware bench/many_instances_capacity.yaml --requests-csv none \
  --set cluster.router.policy=phase_aware
if [ "${XPUSIM_BENCH_LONG:-0}" = 1 ]; then
  time_scenario long_trace bench/long_trace.yaml --requests-csv none
else
  # 10^8 requests take minutes: 10^7 by default (XPUSIM_BENCH_LONG=1 for the full trace).
  time_scenario long_trace_1e7 bench/long_trace.yaml --requests-csv none \
    --set workload.num_requests=10000000
fi
# 1,000 tenants (e2e_1m's load, 200k requests): VTC against FCFS.
for fair in fcfs vtc; do
  time_scenario "tenants_1000_$fair" bench/e2e_1m.yaml --requests-csv none \
    --set workload.num_requests=200000 --set workload.tenants=1000 --set fairness.policy=$fair
done
# issue 15: MoE serving, DeepSeek-V2-Lite on 8 EP8 instances with eplb (docs/performance.md).
time_scenario moe_ep_1m bench/moe_ep_1m.yaml --requests-csv none
for kind in soc moe ina; do
  time_scenario "$kind" "bench/$kind.yaml"
done
