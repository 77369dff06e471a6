// The clusters report every load change of their instances to the router (Cluster and
// DisaggregatedCluster are RoutingViews whose reports_load_changes() is true), so the indexed
// routers pick exactly what a linear scan over the same loads picks. Checked on every routing
// decision of random runs with many ties (bursts of equal arrival times onto idle instances),
// preemptions, migrations, KV hand-offs and failures, for each indexed router, in any build
// (invariant builds also check it inside the routers).
#include <gtest/gtest.h>

#include <functional>

#include "serving_test_support.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/hw/link_fabric.hpp"
#include "xpusim/hw/topology.hpp"
#include "xpusim/policy/migration/llumnix.hpp"
#include "xpusim/policy/routing/least_kv_load.hpp"
#include "xpusim/policy/routing/least_outstanding.hpp"
#include "xpusim/policy/routing/least_outstanding_capacity.hpp"
#include "xpusim/policy/routing/llumnix_dispatch.hpp"
#include "xpusim/policy/routing/phase_aware.hpp"
#include "xpusim/systems/cluster.hpp"
#include "xpusim/systems/disaggregated_cluster.hpp"
#include "xpusim/systems/fault_injector.hpp"
#include "xpusim/systems/migration_coordinator.hpp"

namespace xpusim::systems {
namespace {

using namespace testing;
using MakeRouter = std::function<std::unique_ptr<policy::Router>()>;

// The same loads, but reporting nothing: a router scans it.
struct ScanView final : policy::RoutingView {
  const policy::RoutingView& v;
  explicit ScanView(const policy::RoutingView& view) : v(view) {}
  std::size_t instance_count() const override { return v.instance_count(); }
  std::int64_t outstanding(std::size_t i) const override { return v.outstanding(i); }
  double kv_used_fraction(std::size_t i) const override { return v.kv_used_fraction(i); }
  std::int64_t free_kv_blocks(std::size_t i) const override { return v.free_kv_blocks(i); }
  std::int64_t queued_prompt_blocks(std::size_t i) const override {
    return v.queued_prompt_blocks(i);
  }
  std::int64_t high_priority_requests(std::size_t i) const override {
    return v.high_priority_requests(i);
  }
  policy::InstanceCapacity capacity(std::size_t i) const override { return v.capacity(i); }
  bool single_phase() const override { return v.single_phase(); }
};

struct Tally {
  std::int64_t decisions = 0, indexed = 0, mismatches = 0;
  std::int64_t decode_decisions = 0, decode_mismatches = 0;  // routers that place decodes
  std::int64_t migration_checks = 0, migration_pairs = 0, migration_mismatches = 0;
};

// Llumnix pairing from its load index (fed the cluster's reports) checked at every check against
// the full scan (issue 19: identical pairing decisions).
struct CheckedMigration final : policy::MigrationPolicy {
  policy::LlumnixMigration indexed, scanning;
  Tally& tally;
  CheckedMigration(policy::LlumnixMigration::Config c, Tally& t) : indexed(c), scanning(c), tally(t) {}
  policy::MigrationSettings settings() const override { return indexed.settings(); }
  void on_load_changed(const policy::MigrationView& view, std::size_t i) override {
    indexed.on_load_changed(view, i);
  }
  void choose_pairs(const policy::MigrationView& view, std::vector<policy::MigrationPair>& out) override {
    EXPECT_TRUE(view.reports_load_changes());
    std::vector<policy::MigrationPair> reference;
    scanning.scan_pairs(view, reference);
    indexed.choose_pairs(view, out);
    ++tally.migration_checks;
    tally.migration_pairs += static_cast<std::int64_t>(out.size());
    tally.migration_mismatches += out != reference;
  }
};

// The router under test, fed the cluster's reports, and a twin that scans every decision.
struct CheckedRouter final : policy::Router {
  std::unique_ptr<policy::Router> indexed, scanning;
  Tally& tally;
  CheckedRouter(const MakeRouter& make, Tally& t) : indexed(make()), scanning(make()), tally(t) {}
  std::size_t choose_instance(const policy::RoutingView& view,
                              const policy::RouteRequest& request) override {
    const std::size_t pick = indexed->choose_instance(view, request);
    ++tally.decisions;
    if (view.reports_load_changes()) {
      ++tally.indexed;
      if (pick != scanning->choose_instance(ScanView(view), request)) ++tally.mismatches;
    }
    return pick;
  }
  void on_load_changed(std::size_t i) override { indexed->on_load_changed(i); }
  bool places_decode() const override { return indexed->places_decode(); }
  std::size_t choose_decode(const policy::RoutingView& view,
                            const policy::RouteRequest& request) override {
    const std::size_t pick = indexed->choose_decode(view, request);
    ++tally.decode_decisions;
    EXPECT_TRUE(view.reports_load_changes());
    if (pick != scanning->choose_decode(ScanView(view), request)) ++tally.decode_mismatches;
    return pick;
  }
  void on_decode_load_changed(std::size_t i) override { indexed->on_decode_load_changed(i); }
};

// Instance i's capacity: three kinds with power-of-two rates, so capacity-weighted scores tie.
policy::InstanceCapacity capacity_of(int i) {
  static const policy::InstanceCapacity kinds[] = {{1, 2}, {2, 1}, {4, 4}};
  return kinds[i % 3];
}

struct VectorSource : workload::RequestSource {
  std::vector<workload::Request> reqs;
  std::size_t next_index = 0;
  std::vector<std::string> names{"default"};
  explicit VectorSource(std::vector<workload::Request> r) : reqs(std::move(r)) {}
  std::optional<workload::Request> next() override {
    if (next_index == reqs.size()) return std::nullopt;
    return reqs[next_index++];
  }
  const std::vector<std::string>& tenants() const override { return names; }
};

struct Observer : RecordingObserver {
  std::int64_t migrations = 0, transfers = 0, downs = 0;
  void on_migration(const MigrationRecord&) override { ++migrations; }
  void on_kv_transfer(const KvTransferRecord&) override { ++transfers; }
  void on_instance_down(int, TimeNs, std::int64_t, std::int64_t) override { ++downs; }
};

// Bursts of 1-6 requests at one instant (equal loads: ties), bursts 0-40 ms apart; prompts and
// outputs long enough for the small KV pools to preempt; a quarter with priority 1.
std::vector<workload::Request> random_requests(std::uint64_t seed, int n) {
  RngStream rng(seed);
  std::vector<workload::Request> out;
  TimeNs t = 0;
  while (static_cast<int>(out.size()) < n) {
    t += rng.uniform_int(0, 40'000'000);
    for (std::int64_t k = rng.uniform_int(1, 6); k > 0 && static_cast<int>(out.size()) < n; --k) {
      workload::Request r = request(out.size(), t, static_cast<int>(rng.uniform_int(16, 400)),
                                    static_cast<int>(rng.uniform_int(1, 200)));
      r.priority = rng.uniform_int(0, 3) == 0 ? 1 : 0;
      out.push_back(r);
    }
  }
  return out;
}

std::vector<std::unique_ptr<hw::Device>> one_gpu(int i) {
  std::vector<std::unique_ptr<hw::Device>> d;
  d.push_back(std::make_unique<hw::Device>(i, "gpu" + std::to_string(i), test_gpu()));
  return d;
}

// Swap preemption with host space, so preempted sequences wait swapped out.
KvSizing small_pool() {
  KvSizing kv{60, 16};
  kv.swap_blocks = 200;
  kv.block_bytes = 1e6;
  kv.host_bw_bytes_per_s = 25e9;
  return kv;
}

std::unique_ptr<policy::VllmBatching> vllm_swap() {
  policy::VllmBatching::Config c;
  c.preemption_mode = policy::PreemptionMode::Swap;
  return std::make_unique<policy::VllmBatching>(c);
}

struct Options {
  int instances = 10;
  bool migrate = false;
  bool faults = false;
};

// A colocated cluster (optionally with Llumnix migration and two instance failures) serving
// random requests; returns its observer after the run.
Observer run_colocated(const MakeRouter& make, Tally& tally, Options o, std::uint64_t seed) {
  Simulator sim;
  LinearExec exec;
  Observer obs;
  const int n_requests = 600;
  Cluster cluster(sim, std::make_unique<VectorSource>(random_requests(seed, n_requests)),
                  std::make_unique<CheckedRouter>(make, tally), obs);
  hw::Topology topo;
  const int sw = topo.add_node("switch");
  std::vector<int> nodes;
  for (int i = 0; i < o.instances; ++i) {
    nodes.push_back(topo.add_node("host" + std::to_string(i)));
    topo.add_link(nodes.back(), sw, 1e9, 1e-6);
    cluster.add_instance(std::make_unique<ServingInstance>(
                             i, ServingInstance::Wiring{sim, exec, vllm_swap(), obs}, one_gpu(i),
                             small_pool()),
                         capacity_of(i));
  }
  hw::LinkFabric fabric(sim, topo);
  std::unique_ptr<MigrationCoordinator> migration;
  if (o.migrate) {
    policy::LlumnixMigration::Config cfg;
    cfg.settings = {0.01, 4, 1};
    migration = std::make_unique<MigrationCoordinator>(
        sim, cluster.instances(), nodes, fabric, std::make_unique<CheckedMigration>(cfg, tally),
        obs, 1e4);
    cluster.set_migration(*migration);
  }
  FaultConfig faults;
  faults.scheduled = {{1, 500'000'000, 300'000'000}, {0, 1'000'000'000, 200'000'000}};
  FaultInjector injector(sim, cluster, faults);
  if (o.faults) injector.start();
  cluster.start();
  sim.run();
  EXPECT_EQ(obs.done.size(), static_cast<std::size_t>(n_requests));
  return obs;
}

std::vector<std::pair<std::string, MakeRouter>> indexed_routers() {
  return {
      {"least_outstanding", [] { return std::make_unique<policy::LeastOutstandingRouter>(); }},
      {"least_kv_load", [] { return std::make_unique<policy::LeastKvLoadRouter>(); }},
      {"llumnix", [] { return std::make_unique<policy::LlumnixDispatchRouter>(); }},
      {"llumnix headroom", [] {
         return std::make_unique<policy::LlumnixDispatchRouter>(
             policy::LlumnixDispatchRouter::Config{.priority_headroom_blocks = 8});
       }},
      {"least_outstanding_capacity",
       [] { return std::make_unique<policy::LeastOutstandingCapacityRouter>(); }},
      {"phase_aware", [] { return std::make_unique<policy::PhaseAwareRouter>(); }},
  };
}

TEST(LoadReporting, ColocatedIndexedPicksEqualTheScanUnderPreemption) {
  for (const auto& [name, make] : indexed_routers()) {
    SCOPED_TRACE(name);
    Tally tally;
    const Observer obs = run_colocated(make, tally, {}, 11);
    EXPECT_EQ(tally.decisions, 600);
    EXPECT_EQ(tally.indexed, 600);  // no failures: every decision used the index
    EXPECT_EQ(tally.mismatches, 0);
    EXPECT_GT(obs.preemptions, 0);
  }
}

TEST(LoadReporting, MigrationClusterIndexedPicksEqualTheScan) {
  for (const auto& [name, make] : indexed_routers()) {
    SCOPED_TRACE(name);
    Tally tally;
    const Observer obs = run_colocated(make, tally, {.migrate = true}, 12);
    EXPECT_EQ(tally.indexed, 600);
    EXPECT_EQ(tally.mismatches, 0);
    EXPECT_GT(obs.migrations, 0);
    EXPECT_GT(tally.migration_checks, 100);
    EXPECT_GT(tally.migration_pairs, 0);
    EXPECT_EQ(tally.migration_mismatches, 0);
  }
}

// While an instance is down, routing goes through the renumbered view of those up, which
// reports its changes too: every decision uses the index, before, during and after failures.
TEST(LoadReporting, FailuresAndRecoveriesKeepTheIndexExact) {
  for (const auto& [name, make] : indexed_routers()) {
    SCOPED_TRACE(name);
    Tally tally;
    const Observer obs = run_colocated(make, tally, {.migrate = true, .faults = true}, 13);
    EXPECT_EQ(obs.downs, 2);
    EXPECT_GT(tally.decisions, 600);  // requests of the failed instances routed again
    EXPECT_EQ(tally.indexed, tally.decisions);
    EXPECT_EQ(tally.mismatches, 0);
  }
}

// Prefill instances routed by the router hand their KV to decode instances: the hand-off and
// its release change the prefill side's load; a failed prefill instance and a failed decode
// instance send their requests back to the prefill pool.
TEST(LoadReporting, DisaggregatedIndexedPicksEqualTheScan) {
  for (const bool faults : {false, true}) {
    for (const auto& [name, make] : indexed_routers()) {
      SCOPED_TRACE(name + (faults ? " with failures" : ""));
      Simulator sim;
      LinearExec exec;
      Observer obs;
      Tally tally;
      hw::Topology topo;
      const int sw = topo.add_node("switch");
      const int p = 6, d = 3;
      std::vector<int> nodes;
      for (int i = 0; i < p + d; ++i) {
        nodes.push_back(topo.add_node("host" + std::to_string(i)));
        topo.add_link(nodes.back(), sw, 1e9, 1e-6);
      }
      hw::LinkFabric fabric(sim, topo);
      DisaggregatedCluster cluster(sim, std::make_unique<VectorSource>(random_requests(21, 500)),
                                   std::make_unique<CheckedRouter>(make, tally), obs, fabric,
                                   KvTransferConfig{1000, false, 1});
      for (int i = 0; i < p + d; ++i) {
        ServingInstance::Wiring w{sim, exec, vllm_swap(), obs};
        w.role = i < p ? InstanceRole::PrefillOnly : InstanceRole::DecodeOnly;
        w.handoff = &cluster;
        KvSizing kv = small_pool();
        kv.blocks = i < p ? 40 : 120;
        auto inst = std::make_unique<ServingInstance>(i, std::move(w), one_gpu(i), kv);
        if (i < p) cluster.add_prefill(std::move(inst), nodes[static_cast<std::size_t>(i)], capacity_of(i));
        else cluster.add_decode(std::move(inst), nodes[static_cast<std::size_t>(i)], capacity_of(i));
      }
      FaultConfig fc;
      fc.scheduled = {{2, 400'000'000, 300'000'000}, {7, 800'000'000, 300'000'000}};
      FaultInjector injector(sim, cluster, fc);
      if (faults) injector.start();
      cluster.start();
      sim.run();
      EXPECT_EQ(obs.done.size(), 500u);
      EXPECT_GT(obs.transfers, 0);
      EXPECT_GE(tally.decisions, 500);
      EXPECT_EQ(tally.indexed, tally.decisions);
      EXPECT_EQ(tally.mismatches, 0);
      if (name == "phase_aware") EXPECT_GT(tally.decode_decisions, 250);
      EXPECT_EQ(tally.decode_mismatches, 0);
    }
  }
}

}  // namespace
}  // namespace xpusim::systems
