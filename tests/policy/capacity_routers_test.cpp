// The mixed-hardware routers against hand-computed scores (docs/serving.md, "Mixed clusters").
#include <gtest/gtest.h>

#include <vector>

#include "xpusim/core/rng.hpp"
#include "xpusim/policy/routing/least_outstanding.hpp"
#include "xpusim/policy/routing/least_outstanding_capacity.hpp"
#include "xpusim/policy/routing/phase_aware.hpp"

namespace xpusim::policy {
namespace {

struct CapacityView : RoutingView {
  std::vector<std::int64_t> load;
  std::vector<InstanceCapacity> cap;
  bool one_phase = false;
  std::size_t instance_count() const override { return load.size(); }
  std::int64_t outstanding(std::size_t i) const override { return load.at(i); }
  double kv_used_fraction(std::size_t) const override { return 0; }
  std::int64_t free_kv_blocks(std::size_t) const override { return 0; }
  std::int64_t queued_prompt_blocks(std::size_t) const override { return 0; }
  InstanceCapacity capacity(std::size_t i) const override {
    return cap.empty() ? InstanceCapacity{} : cap.at(i);
  }
  bool single_phase() const override { return one_phase; }
};

TEST(LeastOutstandingCapacity, DividesOutstandingPlusOneByTheDecodeRate) {
  CapacityView v;
  LeastOutstandingCapacityRouter r;
  v.cap = {{1, 1}, {1, 2}};
  v.load = {0, 0};
  EXPECT_EQ(r.choose_instance(v, {}), 1u);  // idle: 1/1 vs 1/2 -> the faster one
  v.load = {3, 5};
  EXPECT_EQ(r.choose_instance(v, {}), 1u);  // 4/1 = 4 vs 6/2 = 3
  v.load = {3, 9};
  EXPECT_EQ(r.choose_instance(v, {}), 0u);  // 4 vs 10/2 = 5
  v.load = {1, 3};
  EXPECT_EQ(r.choose_instance(v, {}), 0u);  // 2 vs 2: a tie goes to the lowest index
}

TEST(LeastOutstandingCapacity, UsesThePrefillRateInASinglePhasePool) {
  CapacityView v;
  LeastOutstandingCapacityRouter r;
  v.cap = {{4, 1}, {1, 4}};  // 0 compute-rich, 1 bandwidth-rich
  v.load = {2, 0};
  EXPECT_EQ(r.choose_instance(v, {}), 1u);  // colocated: 3/1 vs 1/4
  v.one_phase = true;
  EXPECT_EQ(r.choose_instance(v, {}), 0u);  // prefill pool: 3/4 vs 1/1
}

TEST(LeastOutstandingCapacity, MatchesLeastOutstandingOnEqualInstances) {
  RngStream rng(5);
  CapacityView v;
  LeastOutstandingCapacityRouter cap;
  LeastOutstandingRouter plain;
  for (int trial = 0; trial < 200; ++trial) {
    v.load.assign(static_cast<std::size_t>(1 + rng.uniform_int(0, 7)), 0);
    for (auto& l : v.load) l = rng.uniform_int(0, 5);
    v.cap.assign(v.load.size(), {3.5, 7.25});
    EXPECT_EQ(cap.choose_instance(v, {}), plain.choose_instance(v, {}));
  }
}

TEST(PhaseAware, SendsPromptHeavyRequestsToComputeAndOutputHeavyToBandwidth) {
  CapacityView v;
  PhaseAwareRouter r;
  v.cap = {{4, 1}, {1, 4}};
  v.load = {0, 0};
  // t0 = 1000/4 + 10/1 = 260, t1 = 1000/1 + 10/4 = 1002.5
  EXPECT_EQ(r.choose_instance(v, {.prompt_tokens = 1000, .output_tokens = 10}), 0u);
  // t0 = 10/4 + 1000/1 = 1002.5, t1 = 10 + 250 = 260
  EXPECT_EQ(r.choose_instance(v, {.prompt_tokens = 10, .output_tokens = 1000}), 1u);
  // Load counts: (3 + 1) x 260 = 1040 > (0 + 1) x 1002.5
  v.load = {3, 0};
  EXPECT_EQ(r.choose_instance(v, {.prompt_tokens = 1000, .output_tokens = 10}), 1u);
}

TEST(PhaseAware, PlacesPrefillsByComputeAndDecodesByBandwidth) {
  CapacityView v;
  PhaseAwareRouter r;
  EXPECT_TRUE(r.places_decode());
  v.cap = {{4, 1}, {1, 4}};
  v.load = {0, 0};
  v.one_phase = true;
  const RouteRequest decode_heavy{.prompt_tokens = 10, .output_tokens = 1000};
  EXPECT_EQ(r.choose_instance(v, decode_heavy), 0u);  // prefill pool: 10/4 vs 10/1
  EXPECT_EQ(r.choose_decode(v, decode_heavy), 1u);    // decode pool: 1000/1 vs 1000/4
  v.load = {0, 4};                                    // 1 x 1000 vs 5 x 250: a tie
  EXPECT_EQ(r.choose_decode(v, decode_heavy), 0u);    // -> the lowest index
}

}  // namespace
}  // namespace xpusim::policy
