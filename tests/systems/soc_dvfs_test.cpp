// DVFS in the SoC runtime on hand-computed cases: at a level of clock c and voltage v, a group
// takes dispatch + max(compute / c, memory) and the engine draws idle + (busy - idle) c v^2.
#include <gtest/gtest.h>

#include <cmath>

#include "hw/flat_preset.hpp"
#include "xpusim/policy/dvfs/fixed_clock.hpp"
#include "xpusim/policy/dvfs/max_clock.hpp"
#include "xpusim/policy/flow_scheduling/igpu_only.hpp"
#include "xpusim/systems/soc_runtime.hpp"

namespace xpusim::systems {
namespace {

using workload::AgentFlow;
using workload::FlowClass;

hw::SocSpec lunar_lake_two_levels() {
  hw::SocSpec soc = hw::SocSpec::binding().from(
      testing::read_named_preset("configs/hardware", "intel-core-ultra-7-258v"));
  soc.engines[static_cast<int>(hw::EngineKind::Igpu)].dvfs_levels = {{0.5, 0.75}, {1.0, 1.0}};
  return soc;
}

model::ModelSpec llama_int4() {
  model::ModelSpec m = model::ModelSpec::binding().from(
      testing::read_named_preset("configs/models", "llama-3-8b"));
  m.dtype = hw::DType::Int4;
  return m;
}

// Busy-time-weighted activity of one device: the dynamic energy is (busy - idle) times this.
struct ActivityIntegral : hw::DeviceObserver {
  TimeNs since = 0, busy_ns = 0;
  double activity = 0, activity_ns = 0;
  void on_busy(const hw::Device&, TimeNs now, double a, std::string_view) override {
    since = now;
    activity = a;
  }
  void on_idle(const hw::Device&, TimeNs now) override {
    busy_ns += now - since;
    activity_ns += activity * double(now - since);
  }
};

struct Outcome {
  TimeNs ttft = 0, done = 0;
  ActivityIntegral igpu;
  std::vector<TimeNs> level_busy;
};

struct Turns : FlowObserver {
  std::vector<TurnRecord> done;
  void on_tokens(FlowClass, std::int64_t, TimeNs) override {}
  void on_turn_done(const TurnRecord& r) override { done.push_back(r); }
};

Outcome run(policy::DvfsGovernor* governor, std::int64_t prompt, std::int64_t output) {
  Simulator sim;
  policy::IgpuOnlyScheduler fcfs;
  AgentFlow f;
  f.cls = FlowClass::Reactive;
  f.turns.push_back({prompt, output, 0.0, 0.0});
  SocRuntime rt(sim, lunar_lake_two_levels(), llama_int4(), fcfs, {f});
  if (governor) rt.set_dvfs_governor(*governor);
  Outcome out;
  Turns turns;
  rt.add_observer(turns);
  rt.device(hw::EngineKind::Igpu).add_observer(out.igpu);
  rt.start();
  sim.run();
  EXPECT_EQ(turns.done.size(), 1u);
  out.ttft = turns.done.at(0).first_token_ns - turns.done.at(0).ready_ns;
  out.done = turns.done.at(0).done_ns;
  out.level_busy = rt.level_busy_ns(hw::EngineKind::Igpu);
  return out;
}

// Hand sum of a prefill of `tokens` on the iGPU alone at relative clock `clock`: per group,
// dispatch + max(compute / clock, memory), from its work at the top clock.
double prefill_ns_by_hand(std::int64_t tokens, double clock) {
  model::BatchShape b;
  b.prefill_seqs = 1;
  b.prefill_tokens = tokens;
  b.prefill_attention_pairs = double(tokens) * double(tokens + 1) / 2;
  double ns = 0;
  const model::OpGraph graph = model::OpGraph::iteration(llama_int4(), b);
  const hw::SocSpec soc = lunar_lake_two_levels();
  for (const auto& g : graph.order()) {
    const auto w = model::engine_work(soc, hw::EngineKind::Igpu, g, hw::DType::Int4);
    ns += w->fixed_ns + std::max(w->compute_ns / clock, w->memory_ns);
  }
  return ns;
}

TEST(SocDvfs, APrefillAtHalfClockTakesTheHandSumAndDrawsClockTimesVoltageSquared) {
  policy::FixedClockGovernor half({.clock = 0.5});
  const Outcome o = run(&half, 512, 1);  // one prefill iteration; its logits give the token
  const int groups = 2 * 32 + 1;         // attention + FFN per layer, and the head
  const double hand = prefill_ns_by_hand(512, 0.5);
  EXPECT_NEAR(double(o.ttft), hand, groups);  // each group rounds to the ns once
  // A 512-token prefill is compute-bound on the iGPU: half clock nearly doubles it.
  EXPECT_GT(hand, 1.8 * prefill_ns_by_hand(512, 1.0));
  // All busy time at the half-clock level, at activity 0.5 x 0.75^2 = 0.28125 of the range.
  EXPECT_EQ(o.level_busy.at(0), o.igpu.busy_ns);
  EXPECT_EQ(o.level_busy.at(1), 0);
  EXPECT_NEAR(o.igpu.activity_ns, 0.28125 * double(o.igpu.busy_ns), 1e-6 * o.igpu.busy_ns);
  // Busy energy: (0.5 + (15 - 0.5) x 0.28125) W = 4.578125 W over the prefill.
  const double busy_j = (0.5 + 14.5 * o.igpu.activity_ns / double(o.igpu.busy_ns)) *
                        double(o.igpu.busy_ns) * 1e-9;
  EXPECT_NEAR(busy_j, 4.578125 * hand * 1e-9, 4.578125 * groups * 1e-9);
}

TEST(SocDvfs, MemoryBoundDecodeKeepsItsTimeAtHalfClockAndCostsLessEnergy) {
  policy::FixedClockGovernor half({.clock = 0.5});
  const Outcome top = run(nullptr, 16, 33), slow = run(&half, 16, 33);
  // 32 decode steps of one flow read 4 GB of weights each: memory-bound even at half clock,
  // so only the 16-token prefill (a sliver) slows down.
  const TimeNs decode_top = top.done - top.ttft, decode_slow = slow.done - slow.ttft;
  EXPECT_EQ(decode_slow, decode_top);
  EXPECT_LT(slow.igpu.activity_ns, 0.3 * top.igpu.activity_ns);
}

TEST(SocDvfs, TheMaxGovernorIsTheRuntimeWithoutDvfs) {
  policy::MaxClockGovernor max;
  const Outcome a = run(nullptr, 300, 5), b = run(&max, 300, 5);
  EXPECT_EQ(a.done, b.done);
  EXPECT_EQ(a.igpu.activity_ns, b.igpu.activity_ns);
  EXPECT_EQ(b.level_busy.at(0), 0);
  EXPECT_EQ(b.level_busy.at(1), b.igpu.busy_ns);
}

}  // namespace
}  // namespace xpusim::systems
