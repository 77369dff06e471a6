// The SoC runtime with Agent.xpu's CPU overflow on (issue 18): the CPU runs proactive groups
// only, every turn still completes, and the CPU's busy time is what its groups take.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hw/flat_preset.hpp"
#include "xpusim/policy/flow_scheduling/agent_xpu.hpp"
#include "xpusim/systems/soc_runtime.hpp"

namespace xpusim::systems {
namespace {

using workload::AgentFlow;
using workload::FlowClass;

// Every group the CPU starts, by its device-state label ("<class> <stage> <work>").
struct CpuGroups : hw::DeviceObserver {
  std::vector<std::string> labels;
  void on_busy(const hw::Device&, TimeNs, double, std::string_view label) override {
    labels.emplace_back(label);
  }
  void on_idle(const hw::Device&, TimeNs) override {}
};

struct Tokens : FlowObserver {
  std::int64_t n = 0;
  void on_tokens(FlowClass, std::int64_t k, TimeNs) override { n += k; }
  void on_turn_done(const TurnRecord&) override {}
};

// Twelve proactive flows at once (more than the iGPU's 8-flow decode batch) and reactive turns
// arriving while they decode.
std::vector<AgentFlow> saturating_flows() {
  std::vector<AgentFlow> flows;
  for (int i = 0; i < 16; ++i) {
    AgentFlow f;
    f.id = i;
    f.cls = i % 4 == 3 ? FlowClass::Reactive : FlowClass::Proactive;
    f.arrival_s = f.cls == FlowClass::Reactive ? 0.5 * i : 0.0;
    f.turns.push_back({128, 32, 0.0, 0.0});
    flows.push_back(f);
  }
  return flows;
}

TEST(SocCpuEngine, OverflowRunsOnlyProactiveGroupsOnTheCpuAndEveryTurnCompletes) {
  const hw::SocSpec soc_spec = hw::SocSpec::binding().from(
      testing::read_named_preset("configs/hardware", "intel-core-ultra-7-258v"));
  model::ModelSpec model = model::ModelSpec::binding().from(
      testing::read_named_preset("configs/models", "llama-3-8b"));
  model.dtype = hw::DType::Int4;
  for (const bool overflow : {false, true}) {
    policy::AgentXpuConfig config;
    config.cpu_overflow = overflow;
    policy::AgentXpuScheduler policy(config);
    Simulator sim;
    SocRuntime soc(sim, soc_spec, model, policy, saturating_flows());
    CpuGroups cpu;
    Tokens tokens;
    soc.device(hw::EngineKind::Cpu).add_observer(cpu);
    soc.add_observer(tokens);
    soc.start();
    sim.run();
    EXPECT_EQ(soc.turns_completed(), 16);
    EXPECT_EQ(tokens.n, 16 * 32);
    if (!overflow) {
      EXPECT_TRUE(cpu.labels.empty());  // off: the CPU never runs a group
      continue;
    }
    EXPECT_FALSE(cpu.labels.empty());
    for (const std::string& l : cpu.labels) EXPECT_EQ(l.rfind("proactive ", 0), 0u) << l;
  }
}

}  // namespace
}  // namespace xpusim::systems
