#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`: clang, -fsanitize=fuzzer,address,undefined) and
# runs each for a bounded time on a corpus seeded from configs/, traces/ and the regression
# inputs in tests/fuzz_regressions/. Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] (default 60).
# A crash leaves its input under build/fuzz/artifacts/ and fails the script: fix the bug and
# copy the input into tests/fuzz_regressions/<target>/ (the test suite replays every one).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
jobs=${JOBS:-$(nproc)}

if ! command -v clang++ >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "fuzz: installing clang (libFuzzer)" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends clang >/dev/null
fi

cmake --preset fuzz >/dev/null
targets=(fuzz_scenario fuzz_trace_azure fuzz_trace_xpusim fuzz_trace_burstgpt fuzz_trace_mooncake
         fuzz_agent_trace fuzz_routing_trace)
cmake --build build/fuzz -j "$jobs" --target "${targets[@]}"

seed() {  # seed <target> <files...>: copies seeds (at most 200 lines each) into the corpus
  local dir=build/fuzz/corpus/$1
  mkdir -p "$dir"
  shift
  for f in "$@"; do [ -f "$f" ] && head -n 200 "$f" >"$dir/seed_$(basename "$f")"; done
  if [ -d "tests/fuzz_regressions/${dir##*/}" ]; then cp tests/fuzz_regressions/"${dir##*/}"/* "$dir"/ 2>/dev/null || true; fi
}
seed fuzz_scenario configs/*.yaml configs/validation/*.yaml configs/hardware/*.yaml configs/models/*.yaml
seed fuzz_trace_azure traces/sample_azure.csv
seed fuzz_trace_xpusim traces/sample_xpusim.csv
seed fuzz_trace_burstgpt traces/sample_burstgpt.csv
seed fuzz_trace_mooncake traces/sample_mooncake.jsonl
seed fuzz_agent_trace traces/sample_agent.csv
printf 'micro_batch,layer,e0,e1,e2,e3,e4,e5,e6,e7\n0,0,4,4,0,0,0,0,0,0\n0,1,0,0,4,4,0,0,0,0\n' >build/fuzz/routing_seed.csv
seed fuzz_routing_trace build/fuzz/routing_seed.csv

mkdir -p build/fuzz/artifacts
failed=0
for t in "${targets[@]}"; do
  echo "fuzz: $t for ${secs}s" >&2
  if ! build/fuzz/fuzz/$t build/fuzz/corpus/$t -max_total_time="$secs" -max_len=65536 \
       -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix=build/fuzz/artifacts/$t- >build/fuzz/$t.log 2>&1; then
    echo "fuzz: $t FAILED (see build/fuzz/$t.log and build/fuzz/artifacts/$t-*)" >&2
    failed=1
  else
    grep -E "stat::number_of_executed_units" build/fuzz/$t.log | sed "s/^/fuzz: $t /" >&2 || true
  fi
done
# The scenario fuzzer (tests/cli/scenario_fuzz_test.cpp): random valid scenarios across kinds
# and policies through the release binary (invariants on), for SECONDS with a fresh seed;
# failures are saved in build/release/scenario_fuzz_failures/.
cmake --preset release >/dev/null
cmake --build build/release -j "$jobs" --target xpusim test_cli
seed_value=$(date +%s)
echo "fuzz: scenario generator for ${secs}s (seed $seed_value)" >&2
if ! XPUSIM_SCENARIO_FUZZ_SECONDS="$secs" XPUSIM_SCENARIO_FUZZ_SEED="$seed_value" \
     build/release/tests/test_cli --gtest_filter='ScenarioFuzz.*' >build/fuzz/scenario_gen.log 2>&1; then
  echo "fuzz: scenario generator FAILED (see build/fuzz/scenario_gen.log, build/release/scenario_fuzz_failures/)" >&2
  failed=1
fi
exit $failed
