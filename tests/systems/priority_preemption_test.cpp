// Priority scheduling in a serving instance (instance.preempt_for_priority, vLLM's
// --scheduling-policy priority) on hand-made state: which running request gives way, the queue
// order after it, ties broken by arrival, and FastSwitch's periodic re-prioritisation.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "serving_test_support.hpp"
#include "xpusim/systems/priority_order.hpp"
#include "xpusim/systems/waiting_queue.hpp"

namespace xpusim::systems {
namespace {

using namespace testing;

struct VictimObserver : RecordingObserver {
  std::vector<std::uint64_t> victims;
  void on_preemption(std::uint64_t id, int i, TimeNs t) override {
    RecordingObserver::on_preemption(id, i, t);
    victims.push_back(id);
  }
  const RequestRecord& record(std::uint64_t id) const {
    for (const RequestRecord& r : done)
      if (r.id == id) return r;
    throw Error("no record");
  }
};

workload::Request prio_request(std::uint64_t id, TimeNs arrival, int prompt, int output,
                               std::int32_t priority) {
  workload::Request r = request(id, arrival, prompt, output);
  r.priority = priority;
  return r;
}

std::unique_ptr<ServingInstance> priority_instance(Simulator& sim, const model::ExecutionModel& exec,
                                                   ServingObserver& obs, bool on,
                                                   policy::PreemptionMode mode) {
  std::vector<std::unique_ptr<hw::Device>> devices;
  devices.push_back(std::make_unique<hw::Device>(0, "inst0.gpu0", test_gpu()));
  policy::VllmBatching::Config cfg;
  cfg.watermark = 0;
  cfg.preemption_mode = mode;
  ServingInstance::Wiring wiring{sim, exec, std::make_unique<policy::VllmBatching>(cfg), obs};
  wiring.priority = {on, 0};
  // 10 blocks of 16 tokens; swap space of 20 blocks at 1 GB/s (1 MB blocks: 1 ms a block).
  return std::make_unique<ServingInstance>(0, std::move(wiring), std::move(devices),
                                           KvSizing{10, 16, 20, 1e6, 1e9});
}

// Three low-priority requests of 33 prompt tokens (3 blocks each, 9 of 10) are decoding when a
// high-priority one of 20 tokens (2 blocks) arrives at 2.5 ms. Iterations (LinearExec): A's
// prefill [0, 1.033 ms], B and C's prefill [1.033, 2.099], decode steps of 1.03 ms.
struct Case {
  std::int32_t priority_b = 0;
  bool on = true;
  policy::PreemptionMode mode = policy::PreemptionMode::Recompute;
};
VictimObserver run_case(const Case& c) {
  Simulator sim;
  LinearExec exec;
  VictimObserver obs;
  auto inst = priority_instance(sim, exec, obs, c.on, c.mode);
  Feeder feed(sim, *inst,
              {prio_request(1, 0, 33, 10, 0), prio_request(2, 1, 33, 10, c.priority_b),
               prio_request(3, 2, 33, 10, 0), prio_request(4, 2'500'000, 20, 2, 1)});
  sim.run();
  EXPECT_EQ(obs.done.size(), 4u);
  EXPECT_EQ(inst->kv().allocated(), 0);
  EXPECT_EQ(inst->swap_used_blocks(), 0);
  return obs;
}

constexpr TimeNs kThirdIterationEnd = 1'033'000 + 1'066'000 + 1'030'000;

// Equal priorities: the latest arrival (C) gives way, one victim is enough (3 blocks freed),
// and the high-priority request is prefilled in the next iteration.
TEST(PriorityPreemption, LatestArrivalOfTheLowestPriorityGivesWay) {
  const VictimObserver obs = run_case({});
  EXPECT_EQ(obs.victims, (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(obs.record(4).first_token_ns, kThirdIterationEnd + 1'000'000 + 20'000);
  EXPECT_EQ(obs.record(3).preemptions, 1);
}

// A lower priority goes before a later arrival: B (priority -1) gives way, not C.
TEST(PriorityPreemption, LowerPriorityGoesBeforeLaterArrival) {
  const VictimObserver obs = run_case({.priority_b = -1});
  EXPECT_EQ(obs.victims, (std::vector<std::uint64_t>{2}));
}

// Off, the high-priority request waits until A, B and C finish: 9 decode steps after B and C's
// prefill, then its own prefill. On, it waits for the running decode step only.
TEST(PriorityPreemption, HighPriorityTtftDropsWithPreemptionOn) {
  const VictimObserver on = run_case({});
  const VictimObserver off = run_case({.on = false});
  EXPECT_TRUE(off.victims.empty());
  const TimeNs off_ttft = off.record(4).first_token_ns - 2'500'000;
  const TimeNs on_ttft = on.record(4).first_token_ns - 2'500'000;
  EXPECT_EQ(off_ttft, 1'033'000 + 1'066'000 + 9 * 1'030'000 + 1'020'000 - 2'500'000);
  EXPECT_EQ(on_ttft, kThirdIterationEnd + 1'020'000 - 2'500'000);
  EXPECT_LT(on_ttft * 5, off_ttft);
}

// Swap preemption: the victim's KV goes to the host and it stays there while the request it
// gave way to runs (it does not outrank the waiting head, so it is not swapped straight back).
TEST(PriorityPreemption, SwappedVictimWaitsBehindTheRequestItGaveWayTo) {
  const VictimObserver obs = run_case({.mode = policy::PreemptionMode::Swap});
  EXPECT_EQ(obs.victims, (std::vector<std::uint64_t>{3}));
  // H's prefill starts after the 3-block swap-out (3 ms at 1 GB/s of 1 MB blocks).
  EXPECT_EQ(obs.record(4).first_token_ns, kThirdIterationEnd + 1'020'000 + 3'000'000);
  // C resumes only after H finished (H: prefill, one decode step).
  EXPECT_GT(obs.record(3).finish_ns, obs.record(4).finish_ns);
  EXPECT_EQ(obs.record(3).preemptions, 1);
}

// vLLM sorts its waiting queue by (priority, arrival) after a priority preemption: a victim
// re-queued goes behind higher priorities and among its own by arrival.
TEST(PriorityPreemption, WaitingQueueOrdersByPriorityThenArrival) {
  WaitingQueue q(nullptr);
  q.set_priority_order(true);
  auto describe = [](std::uint64_t id, TimeNs arrival, std::int32_t priority, bool again) {
    return WaitingQueue::describe(prio_request(id, arrival, 16, 4, priority), again);
  };
  q.push_back(1, describe(1, 10, 0, false));
  q.push_back(2, describe(2, 20, 1, false));
  q.push_back(3, describe(3, 30, 0, false));
  q.push_front(4, describe(4, 5, 0, true));   // a victim that arrived first
  q.push_front(5, describe(5, 25, 0, true));  // a victim that arrived between 1 and 3
  q.push_back(6, describe(6, 40, 1, false));
  std::vector<std::uint32_t> order;
  while (!q.empty()) order.push_back(q.admit_front(100));
  EXPECT_EQ(order, (std::vector<std::uint32_t>{2, 6, 4, 1, 5, 3}));
}

// FastSwitch's re-prioritisation: ranks are minus the fairness policy's service counter, read
// every N iterations and held between; equal ranks go by arrival, then id.
TEST(PriorityPreemption, FairnessRanksAreReadEveryNIterations) {
  std::map<std::int32_t, double> service{{0, 10}, {1, 5}};
  PriorityOrder order({true, 3}, [&](std::int32_t t) { return service.at(t); });
  workload::Request a = request(1, 100, 16, 4), b = request(2, 200, 16, 4);
  a.tenant = 0;
  b.tenant = 1;
  EXPECT_TRUE(order.begin_iteration());  // iteration 0 reads the counters
  EXPECT_TRUE(order.outranks(b, a)) << "tenant 1 was served less";
  service[0] = 1;
  EXPECT_FALSE(order.begin_iteration());
  EXPECT_FALSE(order.begin_iteration());
  EXPECT_TRUE(order.outranks(b, a)) << "held until iteration 3";
  EXPECT_TRUE(order.begin_iteration());
  EXPECT_TRUE(order.outranks(a, b));
  EXPECT_EQ(order.reprioritizations(), 2);
  service[0] = 5;
  for (int i = 0; i < 3; ++i) order.begin_iteration();
  EXPECT_TRUE(order.outranks(a, b)) << "equal service: the earlier arrival";
  b.arrival_ns = 100;
  EXPECT_TRUE(order.outranks(a, b)) << "equal arrival: the smaller id";
  EXPECT_FALSE(order.outranks(a, a));
}

}  // namespace
}  // namespace xpusim::systems
