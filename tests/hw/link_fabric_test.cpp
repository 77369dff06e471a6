#include "xpusim/hw/link_fabric.hpp"

#include <gtest/gtest.h>

#include <map>

namespace xpusim::hw {
namespace {

struct Done : TransferListener {
  std::map<std::uint64_t, TimeNs> at;
  void on_transfer_done(std::uint64_t cookie, TimeNs now) override { at[cookie] = now; }
};

// a -- s -- b, plus c -- s: links of 1 GB/s (1 byte/ns) and 1 us latency each.
struct Star {
  Topology t;
  int a, b, c, s;
  Star() {
    a = t.add_node("a");
    b = t.add_node("b");
    c = t.add_node("c");
    s = t.add_node("s");
    t.add_link(a, s, 1e9, 1e-6);
    t.add_link(b, s, 1e9, 1e-6);
    t.add_link(c, s, 1e9, 1e-6);
  }
};

TEST(LinkFabric, OneTransferTakesLatencyPlusBytesOverBandwidth) {
  Simulator sim;
  Star net;
  LinkFabric fabric(sim, net.t);
  Done done;
  fabric.start(net.a, net.b, 1e6, done, 7);
  sim.run();
  EXPECT_EQ(done.at.at(7), 2'000 + 1'000'000);  // two hops of 1 us, 1 MB at 1 byte/ns
  EXPECT_EQ(fabric.active(), 0u);
}

TEST(LinkFabric, TwoTransfersSharingALinkEachTakeTwiceAsLong) {
  Simulator sim;
  Star net;
  LinkFabric fabric(sim, net.t);
  Done done;
  fabric.start(net.a, net.b, 1e6, done, 1);  // both leave a over a->s
  fabric.start(net.a, net.c, 1e6, done, 2);
  sim.run();
  EXPECT_EQ(done.at.at(1), 2'000 + 2'000'000);
  EXPECT_EQ(done.at.at(2), 2'000 + 2'000'000);
}

TEST(LinkFabric, RateRisesWhenASharerFinishes) {
  Simulator sim;
  Star net;
  LinkFabric fabric(sim, net.t);
  Done done;
  fabric.start(net.a, net.b, 1e6, done, 1);
  fabric.start(net.a, net.c, 3e6, done, 2);
  sim.run();
  // Shared until 1 finishes (2 MB moved in 2 ms), then 2 has 2 MB left alone at full rate.
  EXPECT_EQ(done.at.at(1), 2'000 + 2'000'000);
  EXPECT_EQ(done.at.at(2), 2'000 + 4'000'000);
}

TEST(LinkFabric, TransfersOnDifferentLinksDoNotInterfere) {
  Simulator sim;
  Star net;
  LinkFabric fabric(sim, net.t);
  Done done;
  fabric.start(net.a, net.b, 1e6, done, 1);  // a->s, s->b
  fabric.start(net.b, net.a, 1e6, done, 2);  // opposite directions: full duplex
  fabric.start(net.c, net.s, 1e6, done, 3);
  sim.run();
  EXPECT_EQ(done.at.at(1), 2'000 + 1'000'000);
  EXPECT_EQ(done.at.at(2), 2'000 + 1'000'000);
  EXPECT_EQ(done.at.at(3), 1'000 + 1'000'000);
}

TEST(LinkFabric, RouteOverTwoLinksIsLimitedByTheSlower) {
  Simulator sim;
  Topology t;
  const int a = t.add_node("a"), m = t.add_node("m"), b = t.add_node("b");
  t.add_link(a, m, 4e9, 0);
  t.add_link(m, b, 1e9, 0);
  LinkFabric fabric(sim, t);
  Done done;
  fabric.start(a, b, 1e6, done, 1);
  sim.run();
  EXPECT_EQ(done.at.at(1), 1'000'000);
}

TEST(LinkFabric, ATransferToItselfCompletesAtOnceAndSlotsAreReused) {
  Simulator sim;
  Star net;
  LinkFabric fabric(sim, net.t);
  Done done;
  fabric.start(net.a, net.a, 1e9, done, 1);
  sim.run();
  EXPECT_EQ(done.at.at(1), 0);
  fabric.start(net.a, net.b, 1e3, done, 2);
  sim.run();
  EXPECT_EQ(done.at.at(2), 2'000 + 1'000);
}

}  // namespace
}  // namespace xpusim::hw

namespace xpusim::hw {
namespace {

// A failed link (docs/faults.md) stalls the transfers over it and they resume where they were:
// 1 MB over a 1 GB/s link takes 1 us + 1 ms; down for 5 ms from t = 0.5 ms, it ends 5 ms later.
// A transfer that does not cross the failed link is not slowed.
struct Toggle : EventHandler {
  LinkFabric& fabric;
  int edge;
  explicit Toggle(LinkFabric& f, int e) : fabric(f), edge(e) {}
  void on_event(std::uint32_t down, std::uint64_t) override { fabric.set_link_down(edge, down != 0); }
};

TEST(LinkFabricFaults, TransferStallsWhileItsLinkIsDownAndResumes) {
  Simulator sim;
  Topology t;
  const int a = t.add_node("a"), b = t.add_node("b"), s = t.add_node("s"), c = t.add_node("c");
  const int ab = t.add_link(a, s, 1e9, 1e-6);
  t.add_link(b, s, 1e9, 1e-6);
  t.add_link(c, s, 1e9, 1e-6);
  LinkFabric fabric(sim, t);
  struct Rec : TransferListener {
    std::map<std::uint64_t, TimeNs> at;
    void on_transfer_done(std::uint64_t cookie, TimeNs now) override { at[cookie] = now; }
  } done;
  Toggle toggle(fabric, ab);
  fabric.start(a, b, 1e6, done, 1);  // crosses a-s
  fabric.start(c, b, 1e6, done, 2);  // shares s-b with transfer 1 while both flow
  sim.schedule_at(500'000, toggle, 1);
  sim.schedule_at(5'500'000, toggle, 0);
  sim.run();
  EXPECT_TRUE(fabric.link_down(ab) == false);
  // Both flow from 2 us (two hops of 1 us), sharing s-b at 0.5 GB/s: 249,000 bytes each by
  // 0.5 ms. Then 1 stalls and takes no share: 2 moves its 751,000 left at 1 GB/s.
  EXPECT_EQ(done.at[2], 500'000 + 751'000);
  // Transfer 1 resumes at 5.5 ms with 751,000 bytes left and s-b to itself.
  EXPECT_EQ(done.at[1], 5'500'000 + 751'000);
}

}  // namespace
}  // namespace xpusim::hw
