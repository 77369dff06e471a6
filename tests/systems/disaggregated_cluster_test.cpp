#include "xpusim/systems/disaggregated_cluster.hpp"

#include <gtest/gtest.h>

#include "serving_test_support.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/policy/routing/round_robin.hpp"

namespace xpusim::systems {
namespace {

using namespace testing;

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

struct TransferObserver : RecordingObserver {
  std::vector<KvTransferRecord> transfers;
  void on_kv_transfer(const KvTransferRecord& r) override { transfers.push_back(r); }
};

// P prefill + D decode instances, each NIC 1 GB/s (1 byte/ns) with 1 us latency to a switch.
struct Rig {
  Simulator sim;
  LinearExec exec;
  TransferObserver obs;
  hw::Topology topology;
  std::unique_ptr<hw::LinkFabric> fabric;
  std::unique_ptr<DisaggregatedCluster> cluster;

  Rig(std::vector<workload::Request> reqs, int p, int d, std::int64_t kv_blocks,
      KvTransferConfig cfg = {1000, false, 1}) {
    const int sw = topology.add_node("switch");
    std::vector<int> nodes;
    for (int i = 0; i < p + d; ++i) {
      nodes.push_back(topology.add_node("host" + std::to_string(i)));
      topology.add_link(nodes.back(), sw, 1e9, 1e-6);
    }
    fabric = std::make_unique<hw::LinkFabric>(sim, topology);
    cluster = std::make_unique<DisaggregatedCluster>(
        sim, std::make_unique<VectorSource>(std::move(reqs)),
        std::make_unique<policy::RoundRobinRouter>(), obs, *fabric, cfg);
    for (int i = 0; i < p + d; ++i) {
      std::vector<std::unique_ptr<hw::Device>> devices;
      devices.push_back(std::make_unique<hw::Device>(i, "gpu" + std::to_string(i), test_gpu()));
      ServingInstance::Wiring w{sim, exec, std::make_unique<policy::VllmBatching>(policy::VllmBatching::Config{}), obs};
      w.role = i < p ? InstanceRole::PrefillOnly : InstanceRole::DecodeOnly;
      w.handoff = cluster.get();
      auto inst = std::make_unique<ServingInstance>(i, std::move(w), std::move(devices),
                                                    KvSizing{kv_blocks, 16});
      if (i < p) cluster->add_prefill(std::move(inst), nodes[static_cast<std::size_t>(i)]);
      else cluster->add_decode(std::move(inst), nodes[static_cast<std::size_t>(i)]);
    }
    cluster->start();
  }
  ServingInstance& prefill(int i = 0) { return *cluster->prefill()[static_cast<std::size_t>(i)]; }
  ServingInstance& decode(int j = 0) { return *cluster->decode()[static_cast<std::size_t>(j)]; }
};

TEST(DisaggregatedCluster, FirstDecodeTokenWaitsForTheKvTransferThenOneDecodeStep) {
  Rig rig({request(0, 0, 100, 5)}, 1, 1, 1000);
  const TimeNs prefill = rig.exec.base + 100 * rig.exec.per_prefill_token;  // 1.1 ms
  const TimeNs transfer = 2 * 1'000 + 100 * 1000;  // two 1 us hops + 100 kB at 1 byte/ns
  const TimeNs decode = rig.exec.base + rig.exec.per_decode;
  rig.sim.run(prefill + transfer - 1);
  // The prompt is done; its 7 blocks stay on the prefill instance until the copy ends.
  EXPECT_EQ(rig.prefill().kv().allocated(), 7);
  EXPECT_EQ(rig.prefill().handoff_blocks(), 7);
  EXPECT_EQ(rig.decode().kv().allocated(), 0);
  EXPECT_EQ(rig.cluster->transfers_in_flight(), 1u);
  rig.sim.run(prefill + transfer);
  EXPECT_EQ(rig.prefill().kv().allocated(), 0);
  EXPECT_EQ(rig.decode().kv().allocated(), 7);
  rig.sim.run();
  ASSERT_EQ(rig.obs.done.size(), 1u);
  const RequestRecord& r = rig.obs.done[0];
  EXPECT_EQ(r.outcome, RequestOutcome::Completed);
  EXPECT_EQ(r.instance, 1);  // published by the decode instance
  EXPECT_EQ(r.first_scheduled_ns, 0);
  EXPECT_EQ(r.first_token_ns, prefill);
  EXPECT_EQ(r.finish_ns, prefill + transfer + 4 * decode);
  // The first decode token's gap spans the transfer; no PCIe swap time is charged.
  EXPECT_EQ(rig.obs.gaps.at(transfer + decode), 1);
  EXPECT_EQ(rig.obs.gaps.at(decode), 3);
  EXPECT_EQ(rig.obs.gap_count, 4);
  ASSERT_EQ(rig.obs.transfers.size(), 1u);
  EXPECT_EQ(rig.obs.transfers[0].start_ns, prefill);
  EXPECT_EQ(rig.obs.transfers[0].end_ns, prefill + transfer);
  EXPECT_DOUBLE_EQ(rig.obs.transfers[0].bytes, 100'000);
  EXPECT_EQ(rig.decode().kv().allocated(), 0);
}

TEST(DisaggregatedCluster, PerLayerTransferLeavesOnlyTheLastLayersShare) {
  Rig rig({request(0, 0, 100, 2)}, 1, 1, 1000, {1000, true, 10});
  rig.sim.run();
  ASSERT_EQ(rig.obs.transfers.size(), 1u);
  EXPECT_DOUBLE_EQ(rig.obs.transfers[0].bytes, 10'000);
  EXPECT_EQ(rig.obs.transfers[0].end_ns - rig.obs.transfers[0].start_ns, 2'000 + 10'000);
}

TEST(DisaggregatedCluster, ASingleTokenRequestFinishesOnThePrefillInstance) {
  Rig rig({request(0, 0, 40, 1)}, 1, 1, 1000);
  rig.sim.run();
  ASSERT_EQ(rig.obs.done.size(), 1u);
  EXPECT_EQ(rig.obs.done[0].instance, 0);
  EXPECT_TRUE(rig.obs.transfers.empty());
}

TEST(DisaggregatedCluster, EveryRequestCompletesAndAllBlocksComeBackUnderPressure) {
  RngStream rng(5);
  std::vector<workload::Request> reqs;
  TimeNs t = 0;
  for (std::uint64_t i = 0; i < 300; ++i) {
    t += static_cast<TimeNs>(rng.uniform(0, 2e6));
    reqs.push_back(request(i, t, 16 + static_cast<int>(rng.uniform(0, 300)),
                           1 + static_cast<int>(rng.uniform(0, 200))));
  }
  // Small caches so the decode side preempts (recompute) and the prefill side waits for
  // blocks held by transfers.
  Rig rig(reqs, 2, 1, 64);
  rig.sim.run();
  std::size_t completed = 0;
  for (const auto& r : rig.obs.done) {
    completed += r.outcome == RequestOutcome::Completed;
    EXPECT_LE(r.first_token_ns, r.finish_ns);
  }
  EXPECT_EQ(completed, reqs.size());
  EXPECT_GT(rig.obs.preemptions, 0);
  EXPECT_EQ(rig.cluster->transfers_in_flight(), 0u);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(rig.prefill(i).kv().allocated(), 0);
  EXPECT_EQ(rig.decode().kv().allocated(), 0);
  rig.decode().check_invariants();
}

}  // namespace
}  // namespace xpusim::systems
