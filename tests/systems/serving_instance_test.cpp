#include "xpusim/systems/serving_instance.hpp"

#include <gtest/gtest.h>

#include "serving_test_support.hpp"
#include "xpusim/core/rng.hpp"

namespace xpusim::systems {
namespace {

using namespace testing;

TEST(ServingInstance, SingleRequestTimesFollowTheExecutionModel) {
  Simulator sim;
  LinearExec exec;
  RecordingObserver obs;
  auto inst = make_instance(sim, exec, obs, 1000);
  Feeder feed(sim, *inst, {request(0, 5'000, 100, 5)});
  sim.run();
  ASSERT_EQ(obs.done.size(), 1u);
  const RequestRecord& r = obs.done[0];
  const TimeNs prefill = exec.base + 100 * exec.per_prefill_token;
  const TimeNs decode = exec.base + exec.per_decode;
  EXPECT_EQ(r.first_scheduled_ns, 5'000);
  EXPECT_EQ(r.first_token_ns, 5'000 + prefill);
  EXPECT_EQ(r.finish_ns, 5'000 + prefill + 4 * decode);
  EXPECT_EQ(obs.gap_count, 4);
  EXPECT_EQ(obs.gaps.at(decode), 4);
  EXPECT_EQ(inst->kv().allocated(), 0);
}

TEST(ServingInstance, PrefillFirstStallsRunningDecodes) {
  Simulator sim;
  LinearExec exec;
  RecordingObserver obs;
  auto inst = make_instance(sim, exec, obs, 1000);
  const TimeNs prefill_a = exec.base + 50 * exec.per_prefill_token;
  // B arrives during A's first decode step; it is prefilled before A's next decode step.
  Feeder feed(sim, *inst, {request(0, 0, 50, 4), request(1, prefill_a + 1, 200, 2)});
  sim.run();
  ASSERT_EQ(obs.done.size(), 2u);
  const TimeNs d1 = exec.base + exec.per_decode;  // one decoding sequence
  const TimeNs prefill_b = exec.base + 200 * exec.per_prefill_token;
  const RequestRecord& b = obs.done[0].id == 1 ? obs.done[0] : obs.done[1];
  EXPECT_EQ(b.first_scheduled_ns, prefill_a + d1);
  EXPECT_EQ(b.first_token_ns, prefill_a + d1 + prefill_b);
  // A's second token waited for B's prefill: gap = prefill_b + a two-sequence decode step.
  const TimeNs d2 = exec.base + 2 * exec.per_decode;
  EXPECT_EQ(obs.gaps.count(prefill_b + d2), 1u);
  EXPECT_EQ(obs.gap_count, 3 + 1);
}

TEST(ServingInstance, RejectsRequestsThatCanNeverFit) {
  Simulator sim;
  LinearExec exec;
  RecordingObserver obs;
  auto inst = make_instance(sim, exec, obs, 10);  // 160 tokens of KV
  Feeder feed(sim, *inst, {request(0, 0, 150, 20), request(1, 0, 100, 10)});
  sim.run();
  ASSERT_EQ(obs.done.size(), 2u);
  EXPECT_EQ(obs.done[0].outcome, RequestOutcome::Rejected);
  EXPECT_EQ(obs.done[0].id, 0u);
  EXPECT_EQ(obs.done[1].outcome, RequestOutcome::Completed);
}

TEST(ServingInstance, PreemptsUnderKvPressureAndStillCompletesEverything) {
  Simulator sim;
  LinearExec exec;
  RecordingObserver obs;
  auto inst = make_instance(sim, exec, obs, 40, 16);  // 640 tokens of KV
  std::vector<workload::Request> reqs;
  for (int i = 0; i < 8; ++i) reqs.push_back(request(i, 0, 100, 150));  // 250 tokens each at the end
  Feeder feed(sim, *inst, reqs);
  sim.run();
  EXPECT_GT(obs.preemptions, 0);
  ASSERT_EQ(obs.done.size(), 8u);
  std::int64_t preempted = 0;
  for (const auto& r : obs.done) {
    EXPECT_EQ(r.outcome, RequestOutcome::Completed);
    preempted += r.preemptions;
  }
  EXPECT_EQ(preempted, obs.preemptions);
  // Every token after the first has exactly one gap, preempted or not.
  EXPECT_EQ(obs.gap_count, 8 * 149);
  EXPECT_EQ(inst->kv().allocated(), 0);
}

// Counts the prompt tokens every iteration processed.
struct PrefillCounter : LinearExec {
  mutable std::int64_t prefill_tokens = 0;
  mutable TimeNs model_ns = 0;
  model::IterationCost estimate(const model::BatchShape& b) const override {
    prefill_tokens += b.prefill_tokens;
    const model::IterationCost c = LinearExec::estimate(b);
    model_ns += c.time_ns;
    return c;
  }
};

TEST(ServingInstance, SwapPreemptionResumesWithoutRecomputeAndChargesTheTransfer) {
  auto run = [](bool swap, Simulator& sim, PrefillCounter& exec, RecordingObserver& obs) {
    std::vector<std::unique_ptr<hw::Device>> devices;
    devices.push_back(std::make_unique<hw::Device>(0, "inst0.gpu0", test_gpu()));
    KvSizing sizing{40, 16, 1000, 2e6, 1e9};  // 2 MB blocks over 1 GB/s: 2 ms a block
    policy::VllmBatching::Config cfg;
    cfg.preemption_mode = swap ? policy::VllmBatching::PreemptionMode::Swap
                               : policy::VllmBatching::PreemptionMode::Recompute;
    cfg.watermark = 0;
    ServingInstance inst(0, {sim, exec, std::make_unique<policy::VllmBatching>(cfg), obs},
                         std::move(devices), sizing);
    for (int i = 0; i < 8; ++i) inst.enqueue(request(i, 0, 100, 150), 0);
    sim.run();
    EXPECT_EQ(inst.swap_used_blocks(), 0);
    EXPECT_EQ(inst.kv().allocated(), 0);
  };
  Simulator sim_swap, sim_recompute;
  PrefillCounter exec_swap, exec_recompute;
  RecordingObserver obs_swap, obs_recompute;
  run(true, sim_swap, exec_swap, obs_swap);
  run(false, sim_recompute, exec_recompute, obs_recompute);
  EXPECT_GT(obs_swap.preemptions, 0);
  EXPECT_GT(obs_recompute.preemptions, 0);
  ASSERT_EQ(obs_swap.done.size(), 8u);
  EXPECT_EQ(obs_swap.gap_count, 8 * 149);
  // Swapped sequences never prefill again; recomputed ones redo prompt + generated tokens.
  EXPECT_EQ(exec_swap.prefill_tokens, 800);
  EXPECT_GT(exec_recompute.prefill_tokens, 800);
  // Iterations last their model time plus their swaps: each preemption moves at least one
  // 2 ms block out and back in. Recompute adds no transfer.
  EXPECT_GE(obs_swap.busy_ns - exec_swap.model_ns, obs_swap.preemptions * 2 * 2'000'000);
  EXPECT_EQ(obs_recompute.busy_ns, exec_recompute.model_ns);
}

// Conservation under random load: every request completes or is rejected, timestamps are
// ordered, token gaps count every non-first token, and no KV block leaks.
TEST(ServingInstance, RandomisedConservation) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    Simulator sim;
    LinearExec exec;
    RecordingObserver obs;
    RngStream rng(seed);
    auto inst = make_instance(sim, exec, obs, 60 + rng.uniform_int(0, 100), 16,
                              {static_cast<std::int64_t>(rng.uniform_int(2, 64)), 2048, 0.0});
    std::vector<workload::Request> reqs;
    TimeNs t = 0;
    std::int64_t expected_gaps = 0;
    for (int i = 0; i < 300; ++i) {
      t += static_cast<TimeNs>(rng.exponential(1.0 / 2e6));
      reqs.push_back(request(i, t, static_cast<int>(rng.uniform_int(1, 900)),
                             static_cast<int>(rng.uniform_int(1, 400))));
    }
    Feeder feed(sim, *inst, reqs);
    sim.run();
    ASSERT_EQ(obs.done.size(), reqs.size()) << "seed " << seed;
    for (const auto& r : obs.done) {
      if (r.outcome == RequestOutcome::Rejected) continue;
      expected_gaps += r.output_tokens - 1;
      EXPECT_LE(r.arrival_ns, r.first_scheduled_ns);
      EXPECT_LT(r.first_scheduled_ns, r.first_token_ns);
      EXPECT_LE(r.first_token_ns, r.finish_ns);
    }
    EXPECT_EQ(obs.gap_count, expected_gaps) << "seed " << seed;
    EXPECT_TRUE(obs.iterations_ordered);
    EXPECT_EQ(inst->kv().allocated(), 0);
    EXPECT_EQ(inst->outstanding(), 0);
  }
}

}  // namespace
}  // namespace xpusim::systems
