// Placement, routing, queueing, ECN marks and drops on a hand-made two-rack leaf-spine.
#include "xpusim/systems/ina_leaf_spine.hpp"

#include <gtest/gtest.h>

namespace xpusim::systems {
namespace {

// 100 Gb/s everywhere, 256 B payload + 64 B header = 320 B: 25.6 ns -> 26 ns per packet;
// 1 us per link, 500 ns per switch entered: one hop into a switch costs 1526 ns.
hw::SwitchSpec spec() {
  hw::SwitchSpec s;
  s.aggregator_memory_bytes = 1024;
  s.port_bw_bytes_per_s = 12.5e9;
  s.pipeline_latency_s = 500e-9;
  s.link_latency_s = 1e-6;
  return s;
}

InaNetworkConfig two_racks(std::int64_t ecn, std::int64_t buffer) {
  InaNetworkConfig n;
  n.racks = 2;
  n.spine_bw_bytes_per_s = 12.5e9;
  n.ecn_threshold_packets = ecn;
  n.buffer_packets = buffer;
  return n;
}

TEST(InaLeafSpine, SpreadsWorkersFromTheRackAfterThePs) {
  InaLeafSpine net(spec(), two_racks(64, 0), {4, 2}, 200'000);
  EXPECT_EQ(net.ps_rack(0), 0);
  EXPECT_EQ(net.ps_rack(1), 1);
  EXPECT_EQ(net.worker_rack(0, 0), 1);
  EXPECT_EQ(net.worker_rack(0, 1), 0);
  EXPECT_EQ(net.worker_rack(1, 0), 0);
  // spine + 2 racks + (ps + 4 workers) + (ps + 2 workers); 2 + 8 full-duplex links.
  EXPECT_EQ(net.topology().node_count(), 11u);
  EXPECT_EQ(net.topology().edge_count(), 20u);
  // Same rack: worker -> rack switch -> PS; across racks: + rack -> spine -> rack.
  EXPECT_EQ(net.topology().route(net.worker_node(0, 1), net.ps_node(0)).size(), 2u);
  EXPECT_EQ(net.topology().route(net.worker_node(0, 0), net.ps_node(0)).size(), 4u);
}

TEST(InaLeafSpine, PacketsQueueOnSharedLinksAndMarkAtTheThreshold) {
  InaLeafSpine net(spec(), two_racks(1, 0), {4}, 200'000);
  const int w0 = net.worker_node(0, 0), w2 = net.worker_node(0, 2);  // both in rack 1
  const int dst = net.tor_node(0);
  bool m1 = false, m2 = false, m3 = false;
  // worker -> rack 1 -> spine -> rack 0: three hops of 26 + 1000 + 500 ns.
  EXPECT_EQ(net.send(w0, dst, 0, m1), 3 * 1526);
  EXPECT_FALSE(m1);
  // w2's packet reaches rack 1 at the same time and waits one packet on rack 1 -> spine (one
  // packet queued >= threshold 1: marked), then on spine -> rack 0.
  EXPECT_EQ(net.send(w2, dst, 0, m2), 3 * 1526 + 26);
  EXPECT_TRUE(m2);
  // w0's second packet waits behind its first on w0's own port (hosts never mark).
  EXPECT_EQ(net.send(w0, net.tor_node(1), 0, m3), 1526 + 26);
  EXPECT_FALSE(m3);
}

TEST(InaLeafSpine, AFullSwitchQueueDropsAndTheSenderResendsAfterItsTimeout) {
  InaLeafSpine net(spec(), two_racks(64, 1), {4}, 200'000);
  const int dst = net.tor_node(0);
  bool m1 = false, m2 = false;
  EXPECT_EQ(net.send(net.worker_node(0, 0), dst, 0, m1), 3 * 1526);
  // One packet queued on rack 1 -> spine = the buffer: dropped, resent 200 us later when the
  // queues are empty.
  EXPECT_EQ(net.send(net.worker_node(0, 2), dst, 0, m2), 200'000 + 3 * 1526);
  EXPECT_TRUE(m2) << "a loss counts as a congestion signal";
  EXPECT_EQ(net.drops(), 1);
}

}  // namespace
}  // namespace xpusim::systems
