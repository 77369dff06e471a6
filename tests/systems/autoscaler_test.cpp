// Llumnix auto-scaling mechanics on hand-made clusters (docs/serving.md, "Auto-scaling"):
// LinearExec steps (1 ms + 10 us per decoding sequence + 1 us per prefill token), a check every
// 100 ms, least_outstanding routing.
#include <gtest/gtest.h>

#include <optional>

#include "systems/serving_test_support.hpp"
#include "xpusim/hw/link_fabric.hpp"
#include "xpusim/hw/topology.hpp"
#include "xpusim/policy/migration/llumnix.hpp"
#include "xpusim/policy/routing/least_outstanding.hpp"
#include "xpusim/systems/autoscaler.hpp"
#include "xpusim/systems/cluster.hpp"
#include "xpusim/systems/migration_coordinator.hpp"

namespace xpusim::systems {
namespace {

using testing::LinearExec;
using testing::RecordingObserver;
using testing::request;
using State = Autoscaler::State;

struct ListSource : workload::RequestSource {
  std::vector<workload::Request> reqs;
  std::size_t next_index = 0;
  std::vector<std::string> names{"default"};
  explicit ListSource(std::vector<workload::Request> r) : reqs(std::move(r)) {}
  std::optional<workload::Request> next() override {
    if (next_index == reqs.size()) return std::nullopt;
    return reqs[next_index++];
  }
  const std::vector<std::string>& tenants() const override { return names; }
};

struct Observer : RecordingObserver {
  std::vector<MigrationRecord> migrations;
  void on_migration(const MigrationRecord& r) override { migrations.push_back(r); }
};

constexpr TimeNs ms(double x) { return static_cast<TimeNs>(x * 1e6 + 0.5); }

struct Rig {
  Simulator sim;
  LinearExec exec;
  Observer obs;
  hw::Topology topo;
  std::unique_ptr<hw::LinkFabric> fabric;
  std::unique_ptr<Cluster> cluster;
  std::unique_ptr<MigrationCoordinator> migration;
  std::unique_ptr<Autoscaler> scaler;

  // `max` instances of `blocks` KV blocks, `initial` taking requests.
  Rig(std::vector<workload::Request> reqs, int max, int initial, int min, std::int64_t blocks,
      bool migrate, double startup_s = 0.5) {
    cluster = std::make_unique<Cluster>(sim, std::make_unique<ListSource>(std::move(reqs)),
                                        std::make_unique<policy::LeastOutstandingRouter>(), obs);
    const int sw = topo.add_node("sw");
    std::vector<int> nodes;
    for (int i = 0; i < max; ++i) {
      nodes.push_back(topo.add_node("host" + std::to_string(i)));
      topo.add_link(nodes.back(), sw, 1e9, 0);
      std::vector<std::unique_ptr<hw::Device>> devices;
      devices.push_back(std::make_unique<hw::Device>(i, "gpu" + std::to_string(i), testing::test_gpu()));
      cluster->add_instance(std::make_unique<ServingInstance>(
          i, ServingInstance::Wiring{sim, exec, std::make_unique<policy::VllmBatching>(policy::VllmBatching::Config{}), obs},
          std::move(devices), KvSizing{blocks, 16}));
    }
    fabric = std::make_unique<hw::LinkFabric>(sim, topo);
    if (migrate) {
      policy::LlumnixMigration::Config cfg;
      cfg.settings = {0.01, 4, 1};
      migration = std::make_unique<MigrationCoordinator>(
          sim, cluster->instances(), nodes, *fabric, std::make_unique<policy::LlumnixMigration>(cfg),
          obs, 1e4);
      cluster->set_migration(*migration);
    }
    policy::FreenessScaling::Config c;
    c.enabled = true;
    c.min_instances = min;
    c.max_instances = max;
    c.interval_s = 0.1;
    c.startup_s = startup_s;
    scaler = std::make_unique<Autoscaler>(sim, *cluster, migration.get(), policy::FreenessScaling(c), initial);
    cluster->set_autoscaler(*scaler);
    scaler->start();
    cluster->start();
  }
  int instance_of(std::uint64_t id) const {
    for (const auto& r : obs.done)
      if (r.id == id) return r.instance;
    return -1;
  }
};

// Ten 160-token prompts with long outputs on one instance of 100 blocks: at the first check
// (100 ms) their demand exceeds its memory, so the freeness is negative (below 10) and
// instance 1 starts; it takes requests only 500 ms later. Request 10 (at 300 ms) can only go to
// instance 0; request 11 (at 700 ms) goes to the idle instance 1.
TEST(Autoscaler, ScalesUpBelowTheThresholdAndWaitsForStartUp) {
  std::vector<workload::Request> reqs;
  for (int i = 0; i < 10; ++i) reqs.push_back(request(i, 0, 160, 400));
  reqs.push_back(request(10, ms(300), 16, 5));
  reqs.push_back(request(11, ms(700), 16, 5));
  Rig rig(reqs, 2, 1, 1, 100, false);
  rig.sim.run(ms(100) - 1);
  EXPECT_EQ(rig.scaler->state(1), State::Off);
  EXPECT_LT(policy::FreenessScaling::freeness(rig.scaler->view()), 10);
  rig.sim.run(ms(100));
  EXPECT_EQ(rig.scaler->state(1), State::Starting);
  rig.sim.run(ms(600) - 1);
  EXPECT_EQ(rig.scaler->state(1), State::Starting);
  EXPECT_TRUE(rig.cluster->instances()[1]->down());
  rig.sim.run(ms(600));
  EXPECT_EQ(rig.scaler->state(1), State::Active);
  rig.sim.run();
  ASSERT_EQ(rig.obs.done.size(), 12u);
  EXPECT_EQ(rig.instance_of(10), 0);
  EXPECT_EQ(rig.instance_of(11), 1);
  const auto stats = rig.scaler->stats(rig.sim.now());
  EXPECT_EQ(stats.scale_ups, 1);
  EXPECT_EQ(stats.peak, 2);  // max_instances bounds it although the freeness stays low
  // Instance 1 is paid for from the decision at 100 ms (start-up included); the cost is the
  // count over time integrated.
  ASSERT_GE(stats.series.size(), 2u);
  EXPECT_EQ(stats.series[1], (std::pair<TimeNs, int>{ms(100), 2}));
  double integral = 0;
  for (std::size_t k = 0; k < stats.series.size(); ++k) {
    const TimeNs until = k + 1 < stats.series.size() ? stats.series[k + 1].first : rig.sim.now();
    integral += 1e-9 * static_cast<double>(until - stats.series[k].first) * stats.series[k].second;
  }
  EXPECT_NEAR(stats.instance_seconds, integral, 1e-9);
}

// Two instances, little load: the first check (100 ms) removes instance 1 (the last). Its two
// requests (300 decode steps each) finish on it without migration; it leaves at the first check
// after they do, and instance 0 stays (min_instances = 1) though idle. Request 4 (at 150 ms)
// goes to instance 0, not to the draining instance.
TEST(Autoscaler, DrainsBeforeRemovingAndKeepsEveryRequest) {
  std::vector<workload::Request> reqs;
  for (int i = 0; i < 4; ++i) reqs.push_back(request(i, 0, 16, 300));
  reqs.push_back(request(4, ms(150), 16, 300));
  Rig rig(reqs, 2, 2, 1, 100, false);
  rig.sim.run(ms(100));
  EXPECT_EQ(rig.scaler->state(1), State::Draining);
  EXPECT_GT(rig.cluster->instances()[1]->outstanding(), 0);
  rig.sim.run();
  ASSERT_EQ(rig.obs.done.size(), 5u);  // every request finished
  EXPECT_EQ(rig.instance_of(4), 0);
  TimeNs last_on_1 = 0;
  int on_1 = 0;
  for (const auto& r : rig.obs.done)
    if (r.instance == 1) {
      ++on_1;
      last_on_1 = std::max(last_on_1, r.finish_ns);
    }
  EXPECT_EQ(on_1, 2);
  const auto stats = rig.scaler->stats(rig.sim.now());
  ASSERT_EQ(stats.series.size(), 2u);
  const TimeNs off = stats.series[1].first;
  EXPECT_GE(off, last_on_1);                 // left only once empty
  EXPECT_LT(off, last_on_1 + ms(100) + 1);   // at the next check
  EXPECT_EQ(rig.scaler->state(1), State::Off);
  EXPECT_EQ(rig.scaler->state(0), State::Active);
  EXPECT_EQ(stats.fewest, 1);
  EXPECT_NEAR(stats.instance_seconds, 1e-9 * (2.0 * off + (rig.sim.now() - off)), 1e-9);
}

// With Llumnix migration the draining instance's requests migrate out (infinite load), so it
// leaves long before they would have finished on it; every request still finishes.
TEST(Autoscaler, MigrationDrainsTheLeavingInstanceEarly) {
  std::vector<workload::Request> reqs;
  for (int i = 0; i < 4; ++i) reqs.push_back(request(i, 0, 16, 300));
  Rig rig(reqs, 2, 2, 1, 100, true);
  rig.sim.run();
  ASSERT_EQ(rig.obs.done.size(), 4u);
  ASSERT_EQ(rig.obs.migrations.size(), 2u);
  for (const auto& m : rig.obs.migrations) {
    EXPECT_EQ(m.from_instance, 1);
    EXPECT_EQ(m.to_instance, 0);
  }
  for (const auto& r : rig.obs.done) EXPECT_EQ(r.instance, 0);
  const auto stats = rig.scaler->stats(rig.sim.now());
  ASSERT_EQ(stats.series.size(), 2u);
  EXPECT_LT(stats.series[1].first, ms(250));  // 300 steps would take over 300 ms
}

}  // namespace
}  // namespace xpusim::systems
