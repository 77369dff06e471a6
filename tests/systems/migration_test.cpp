// Live migration mechanics (Llumnix pre-copy) with hand-checkable times: LinearExec decode
// steps of 1.01 ms, one token's KV = 0.1 MB over a 1 GB/s link = 0.1 ms.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "systems/serving_test_support.hpp"
#include "xpusim/hw/link_fabric.hpp"
#include "xpusim/hw/topology.hpp"
#include "xpusim/policy/migration/llumnix.hpp"
#include "xpusim/systems/migration_coordinator.hpp"

namespace xpusim::systems {
namespace {

using testing::LinearExec;
using testing::RecordingObserver;

// Pairs 0 -> 1 at its first check only.
struct OnceZeroToOne : policy::MigrationPolicy {
  policy::MigrationSettings s;
  bool done = false;
  policy::MigrationSettings settings() const override { return s; }
  void choose_pairs(const policy::MigrationView&, std::vector<policy::MigrationPair>& out) override {
    out.clear();
    if (!done) out.push_back({0, 1});
    done = true;
  }
};

struct MigrationRecorder : RecordingObserver {
  std::vector<MigrationRecord> migrations;
  void on_migration(const MigrationRecord& r) override { migrations.push_back(r); }
};

constexpr double kBytesPerToken = 1e5;

// n instances, each GPU linked to its host (unlimited), each host to one switch at 1 GB/s.
struct Rig {
  Simulator sim;
  LinearExec exec;
  MigrationRecorder obs;
  hw::Topology topo;
  std::unique_ptr<hw::LinkFabric> fabric;
  std::vector<std::unique_ptr<ServingInstance>> instances;
  std::unique_ptr<MigrationCoordinator> migration;

  Rig(int n, std::int64_t blocks, std::unique_ptr<policy::MigrationPolicy> policy) {
    const int sw = topo.add_node("sw");
    fabric = std::make_unique<hw::LinkFabric>(sim, topo);
    std::vector<int> nodes;
    for (int i = 0; i < n; ++i) {
      const int host = topo.add_node("host" + std::to_string(i));
      const int gpu = topo.add_node("gpu" + std::to_string(i));
      topo.add_link(host, sw, 1e9, 0);
      topo.add_link(gpu, host, 1e18, 0);
      nodes.push_back(gpu);
      std::vector<std::unique_ptr<hw::Device>> devices;
      devices.push_back(std::make_unique<hw::Device>(i, "inst" + std::to_string(i) + ".gpu0",
                                                     testing::test_gpu()));
      instances.push_back(std::make_unique<ServingInstance>(
          i, ServingInstance::Wiring{sim, exec, std::make_unique<policy::VllmBatching>(policy::VllmBatching::Config{}), obs},
          std::move(devices), KvSizing{blocks, 16}));
    }
    migration = std::make_unique<MigrationCoordinator>(sim, instances, nodes, *fabric,
                                                       std::move(policy), obs, kBytesPerToken);
  }
};

std::unique_ptr<OnceZeroToOne> once(std::int32_t max_rounds, std::int64_t last_round_blocks,
                                    double downtime_fixed_s = 0) {
  auto p = std::make_unique<OnceZeroToOne>();
  p->s = {0.005, max_rounds, last_round_blocks, downtime_fixed_s};
  return p;
}

constexpr TimeNs ms(double x) { return static_cast<TimeNs>(x * 1e6 + 0.5); }

// Prefill 160 tokens ends at 1.16 ms; decode step k ends at 1.16 + 1.01 k ms. The check at
// 5 ms finds 163 tokens of KV: round 1 copies them (16.3 ms, to 21.3: 16 more tokens), round 2
// copies those 16 (1.6 ms, to 22.9: 2 more), and round 3 (max_rounds) stops the request after
// step 21 and copies the last 2 tokens in 0.2 ms: the downtime.
TEST(Migration, PreCopyRoundsShrinkAndDowntimeIsTheLastRound) {
  Rig rig(2, 1000, once(3, 0));
  rig.instances[0]->enqueue(testing::request(1, 0, 160, 200), 0);
  rig.migration->wake();
  rig.sim.run(ms(22.95));
  EXPECT_EQ(rig.instances[0]->kv().allocated(), 0);  // freed on the source at the stop
  EXPECT_EQ(rig.instances[1]->migration_reserved_blocks(), 11);  // ceil(163 / 16)
  EXPECT_EQ(rig.instances[1]->kv().allocated(), 11);
  rig.sim.run(ms(23.2));
  EXPECT_EQ(rig.instances[1]->migration_reserved_blocks(), 0);
  EXPECT_EQ(rig.instances[1]->kv().allocated(), 12);  // ceil(181 / 16), allocated once
  rig.sim.run();
  ASSERT_EQ(rig.obs.migrations.size(), 1u);
  const MigrationRecord& m = rig.obs.migrations[0];
  EXPECT_EQ(m.rounds, 3);
  EXPECT_DOUBLE_EQ(m.bytes, (163 + 16 + 2) * kBytesPerToken);
  EXPECT_NEAR(m.downtime_ns, ms(0.2), 10);
  EXPECT_EQ(m.start_ns, ms(5));
  EXPECT_EQ(m.from_instance, 0);
  EXPECT_EQ(m.to_instance, 1);
  ASSERT_EQ(rig.obs.done.size(), 1u);
  EXPECT_EQ(rig.obs.done[0].instance, 1);
  // 22 tokens on the source, 178 on the destination from 23.1 ms.
  EXPECT_NEAR(rig.obs.done[0].finish_ns, ms(23.1 + 178 * 1.01), 20);
  for (const auto& inst : rig.instances) EXPECT_EQ(inst->kv().allocated(), 0);
}

// The first token on the destination comes 1.74 ms after the last one on the source (22.37):
// the rest of the source's step, the 0.2 ms downtime, and one step on the destination.
TEST(Migration, TokenGapAcrossTheMigrationIncludesTheDowntime) {
  Rig rig(2, 1000, once(3, 0));
  rig.instances[0]->enqueue(testing::request(1, 0, 160, 200), 0);
  rig.migration->wake();
  rig.sim.run();
  std::int64_t slow = 0, across = 0;
  for (const auto& [gap, count] : rig.obs.gaps) {
    if (std::abs(gap - ms(1.74)) <= 20) across += count;
    else if (gap > ms(1.02)) slow += count;
  }
  EXPECT_EQ(across, 1);
  EXPECT_EQ(slow, 0);
  EXPECT_EQ(rig.obs.gap_count, 199);
}

// The same migration as above with a fixed stop-and-copy cost of 5 ms: the last round's 2
// tokens arrive at 23.1 ms, the request joins the destination 5 ms later (28.1), so the
// downtime is 0.2 + 5 = 5.2 ms, the token gap across the migration 1.74 + 5 = 6.74 ms, and the
// request finishes 5 ms later than without the fixed cost.
TEST(Migration, FixedCostIsAddedToTheDowntime) {
  Rig rig(2, 1000, once(3, 0, 0.005));
  rig.instances[0]->enqueue(testing::request(1, 0, 160, 200), 0);
  rig.migration->wake();
  rig.sim.run(ms(28.0));
  EXPECT_EQ(rig.instances[1]->migration_reserved_blocks(), 11);  // not yet handed over
  EXPECT_TRUE(rig.obs.migrations.empty());
  rig.sim.run();
  ASSERT_EQ(rig.obs.migrations.size(), 1u);
  const MigrationRecord& m = rig.obs.migrations[0];
  EXPECT_EQ(m.rounds, 3);
  EXPECT_DOUBLE_EQ(m.bytes, (163 + 16 + 2) * kBytesPerToken);
  EXPECT_NEAR(m.downtime_ns, ms(5.2), 10);
  ASSERT_EQ(rig.obs.done.size(), 1u);
  EXPECT_EQ(rig.obs.done[0].instance, 1);
  EXPECT_NEAR(rig.obs.done[0].finish_ns, ms(28.1 + 178 * 1.01), 20);
  std::int64_t across = 0;
  for (const auto& [gap, count] : rig.obs.gaps)
    if (std::abs(gap - ms(6.74)) <= 20) across += count;
  EXPECT_EQ(across, 1);
  for (const auto& inst : rig.instances) EXPECT_EQ(inst->kv().allocated(), 0);
}

// An end failing during the fixed-cost wait (23.1 to 28.1 ms) returns the stopped request at
// once; the slot stays in flight until the wait ends, and nothing is handed over.
TEST(Migration, FailureDuringTheFixedCostReturnsTheRequest) {
  Rig rig(2, 1000, once(3, 0, 0.005));
  rig.instances[0]->enqueue(testing::request(1, 0, 160, 200), 0);
  rig.migration->wake();
  rig.sim.run(ms(25));
  EXPECT_EQ(rig.migration->requests_in_flight(), 1u);
  const auto held = rig.migration->on_instance_failed(0, rig.sim.now());
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].id, 1u);
  EXPECT_EQ(rig.migration->requests_in_flight(), 0u);
  EXPECT_EQ(rig.migration->in_flight(), 1u);
  EXPECT_EQ(rig.instances[1]->migration_reserved_blocks(), 0);  // returned at the failure
  rig.sim.run();
  EXPECT_EQ(rig.migration->in_flight(), 0u);
  EXPECT_TRUE(rig.obs.migrations.empty());
  EXPECT_TRUE(rig.obs.done.empty());
}

// Llumnix migrates low-priority requests first: with a normal request admitted before a
// high-priority one, the older normal one is the candidate (the newest of the lowest priority),
// and the one that moves; the instance counts its one high-priority request until it finishes.
TEST(Migration, CandidateIsTheNewestOfTheLowestPriority) {
  Rig rig(2, 1000, once(3, 0));
  workload::Request normal = testing::request(1, 0, 160, 200);
  workload::Request high = testing::request(2, 0, 160, 200);
  high.priority = 1;
  rig.instances[0]->enqueue(normal, 0);
  rig.instances[0]->enqueue(high, 0);
  EXPECT_EQ(rig.instances[0]->high_priority_outstanding(), 1);
  rig.migration->wake();
  rig.sim.run();
  ASSERT_EQ(rig.obs.migrations.size(), 1u);
  EXPECT_EQ(rig.obs.migrations[0].request_id, 1u);
  EXPECT_EQ(rig.instances[0]->high_priority_outstanding(), 0);
  EXPECT_EQ(rig.instances[1]->high_priority_outstanding(), 0);
}

// A threshold of 1 block (16 tokens) makes round 2 (16 tokens) the final one.
TEST(Migration, SmallRoundBecomesTheFinalOne) {
  Rig rig(2, 1000, once(8, 1));
  rig.instances[0]->enqueue(testing::request(1, 0, 160, 200), 0);
  rig.migration->wake();
  rig.sim.run();
  ASSERT_EQ(rig.obs.migrations.size(), 1u);
  EXPECT_EQ(rig.obs.migrations[0].rounds, 2);
  EXPECT_NEAR(rig.obs.migrations[0].downtime_ns, ms(1.6), 10);
}

// Finishing at 1.16 + 19 x 1.01 = 20.35 ms, before round 1 ends (21.3): the migration is
// abandoned and the destination's reservation returned.
TEST(Migration, RequestFinishingDuringPreCopyAbortsCleanly) {
  Rig rig(2, 1000, once(3, 0));
  rig.instances[0]->enqueue(testing::request(1, 0, 160, 20), 0);
  rig.migration->wake();
  rig.sim.run();
  EXPECT_TRUE(rig.obs.migrations.empty());
  EXPECT_EQ(rig.migration->aborted(), 1u);
  ASSERT_EQ(rig.obs.done.size(), 1u);
  EXPECT_EQ(rig.obs.done[0].instance, 0);
  EXPECT_EQ(rig.instances[1]->migration_reserved_blocks(), 0);
  EXPECT_EQ(rig.instances[1]->kv().allocated(), 0);
}

TEST(Migration, DestinationWithoutRoomIsNotUsed) {
  Rig rig(2, 40, once(3, 0));
  rig.instances[0]->enqueue(testing::request(1, 0, 160, 200), 0);
  rig.instances[1]->enqueue(testing::request(2, 0, 480, 100), 0);  // 31 of 40 blocks at 5 ms
  rig.migration->wake();
  rig.sim.run();
  EXPECT_TRUE(rig.obs.migrations.empty());
  EXPECT_EQ(rig.migration->aborted(), 1u);
  EXPECT_EQ(rig.obs.done.size(), 2u);
}

// Random load on four instances with Llumnix on: every request finishes exactly once, on some
// instance, and no block stays held (invariants are checked every iteration in this build).
TEST(Migration, ConservationUnderRandomLoad) {
  policy::LlumnixMigration::Config cfg;
  cfg.settings = {0.01, 4, 1};
  Rig rig(4, 200, std::make_unique<policy::LlumnixMigration>(cfg));
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int> prompt(16, 600), output(1, 400);
  std::exponential_distribution<double> gap_s(50.0);
  struct Arrival : EventHandler {
    Rig* rig;
    std::vector<workload::Request> requests;
    std::size_t next = 0;
    void on_event(std::uint32_t, std::uint64_t) override {
      // All to instance 0 or 1: imbalance for the policy to fix.
      rig->instances[next % 2]->enqueue(requests[next], rig->sim.now());
      rig->migration->wake();
      ++next;
    }
  } arrivals;
  arrivals.rig = &rig;
  double t = 0;
  for (std::uint64_t id = 0; id < 300; ++id) {
    t += gap_s(rng);
    arrivals.requests.push_back(testing::request(id, seconds_to_ns(t), prompt(rng), output(rng)));
    rig.sim.schedule_at(seconds_to_ns(t), arrivals);
  }
  rig.sim.run();
  std::set<std::uint64_t> ids;
  std::set<int> served_by;
  for (const auto& r : rig.obs.done) {
    EXPECT_EQ(r.outcome, RequestOutcome::Completed);
    ids.insert(r.id);
    served_by.insert(r.instance);
  }
  EXPECT_EQ(ids.size(), 300u);
  EXPECT_EQ(rig.obs.done.size(), 300u);
  EXPECT_GT(rig.obs.migrations.size(), 10u);
  EXPECT_TRUE(served_by.count(2) || served_by.count(3));
  EXPECT_EQ(rig.migration->in_flight(), 0u);
  for (const auto& inst : rig.instances) {
    EXPECT_EQ(inst->kv().allocated(), 0);
    EXPECT_EQ(inst->outstanding(), 0);
    inst->check_invariants();
  }
}

}  // namespace
}  // namespace xpusim::systems
