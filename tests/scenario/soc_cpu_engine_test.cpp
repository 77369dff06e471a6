// Agent.xpu with the CPU as a schedulable engine (issue 18), end to end on the shipped scenario
// (configs/soc_agent_xpu.yaml, Lunar Lake preset, Llama-3-8B INT4, 200 s): where the CPU's
// overflow raises proactive throughput, what it costs reactive flows and energy, and where the
// small-operator rule does not help (docs/reproductions/agent_xpu.md, "The CPU as an engine").
#include <gtest/gtest.h>

#include "xpusim/scenario/system_kinds.hpp"

namespace xpusim::scenario {
namespace {

nlohmann::json run_with(const std::string& rate, const std::string& cpu_option) {
  const Catalogs catalogs = build_catalogs();
  std::vector<std::string> sets{"workload.proactive_rate_per_s=" + rate, "horizon_s=200",
                                "workload.duration_s=200"};
  if (!cpu_option.empty()) sets.push_back("flow_scheduling." + cpu_option);
  return load_any_scenario("configs/soc_agent_xpu.yaml", sets, catalogs)->run({}).summary;
}

double tokens_per_s(const nlohmann::json& j) {
  return j["proactive"]["tokens_per_s"].get<double>();
}
double reactive(const nlohmann::json& j, const char* metric) {
  return j["reactive"][metric]["mean"].get<double>();
}

// At 1.2 proactive flows/s the iGPU's decode batches (8 flows) saturate: proactive turns queue.
// Overflow decodes the waiting flows on the CPU in parallel: proactive throughput rises by more
// than 5%. Reactive flows keep priority on the accelerators, so their TTFT moves by at most 5%;
// their decode steps share the DDR with the CPU (iGPU-by-CPU 1.2, within the 25% slack a CPU
// group may add when it starts), so their end-to-end latency rises, but by less than the 25%
// slack bound. The CPU's 12 W make every token dearer.
TEST(SocCpuEngine, OverflowRaisesProactiveThroughputUnderSaturationWithinTheReactiveBound) {
  const auto base = run_with("1.2", ""), cpu = run_with("1.2", "cpu_overflow=true");
  EXPECT_GT(tokens_per_s(cpu), 1.05 * tokens_per_s(base));
  EXPECT_LT(reactive(cpu, "ttft_s"), 1.05 * reactive(base, "ttft_s"));
  EXPECT_GT(reactive(cpu, "e2e_s"), reactive(base, "e2e_s"));
  EXPECT_LT(reactive(cpu, "e2e_s"), 1.25 * reactive(base, "e2e_s"));
  EXPECT_GT(cpu["utilization"]["soc.cpu"].get<double>(), 0.5);
  EXPECT_GT(cpu["energy"]["j_per_output_token"].get<double>(),
            base["energy"]["j_per_output_token"].get<double>());
  EXPECT_EQ(base["utilization"]["soc.cpu"].get<double>(), 0.0);  // off: the CPU never runs
}

// Below saturation the accelerators keep up with the offered load: overflow moves proactive
// throughput by less than 2% and only adds CPU energy.
TEST(SocCpuEngine, OverflowGivesNothingBelowSaturation) {
  const auto base = run_with("0.3", ""), cpu = run_with("0.3", "cpu_overflow=true");
  EXPECT_NEAR(tokens_per_s(cpu) / tokens_per_s(base), 1.0, 0.02);
  EXPECT_GT(cpu["energy"]["total_j"].get<double>(), 1.15 * base["energy"]["total_j"].get<double>());
}

// Small operators on this preset: one-flow decode on the CPU (1.25x slower than on the iGPU,
// memory-bound) frees the iGPU but costs those flows their batching; under saturation proactive
// throughput falls and reactive latency rises. The rule does not help here.
TEST(SocCpuEngine, SmallProactiveDecodeOnTheCpuDoesNotHelpOnThisPreset) {
  const auto base = run_with("1.2", ""), cpu = run_with("1.2", "cpu_small_flows=1");
  EXPECT_LT(tokens_per_s(cpu), tokens_per_s(base));
  EXPECT_GT(reactive(cpu, "e2e_s"), reactive(base, "e2e_s"));
}

}  // namespace
}  // namespace xpusim::scenario
