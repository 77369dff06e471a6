// The mixed-hardware routers against hand-computed scores (docs/serving.md, "Mixed clusters").
#include <gtest/gtest.h>

#include <algorithm>
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

// The same view, reporting its changes to `router` (so the routers use their index).
struct ReportingCapacityView : CapacityView {
  Router* router = nullptr;
  bool decode = false;  // reports as the decode pool's view (on_decode_load_changed)
  bool reports_load_changes() const override { return true; }
  void changed(std::size_t i) const {
    if (decode) router->on_decode_load_changed(i);
    else router->on_load_changed(i);
  }
  void set(std::size_t i, std::int64_t l) {
    load[i] = l;
    changed(i);
  }
  // A new numbering (an instance failed or recovered): every position reported.
  void renumber(std::vector<std::int64_t> l, std::vector<InstanceCapacity> c) {
    load = std::move(l);
    cap = std::move(c);
    for (std::size_t i = 0; i < load.size(); ++i) changed(i);
  }
};

// Three hardware kinds whose rates are powers of two, so (outstanding + 1) / rate and
// (outstanding + 1) x (prompt / prefill + output / decode) tie often across kinds.
InstanceCapacity kind(std::int64_t k) {
  static const InstanceCapacity kinds[] = {{1, 2}, {2, 1}, {4, 4}};
  return kinds[k];
}

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

// The indexed picks (the view reports its changes) equal the scans' on random states with many
// ties: loads 0-5 on three kinds of instance, a few instances changed between decisions, the
// picked one loaded, now and then a renumbering (another instance count and other kinds per
// position, as when an instance fails), single-phase and colocated views, decode placement.
TEST(CapacityRoutersIndexed, PickExactlyWhatTheScanPicks) {
  RngStream rng(23);
  for (const std::size_t n : {1u, 2u, 3u, 8u, 33u, 200u})
    for (const bool one_phase : {false, true}) {
      LeastOutstandingCapacityRouter cap;
      PhaseAwareRouter phase;
      ReportingCapacityView vc, vp, vd;  // capacity router; phase_aware prompts; its decodes
      vc.router = &cap;
      vp.router = vd.router = &phase;
      vd.decode = true;
      vc.one_phase = vp.one_phase = one_phase;
      vd.one_phase = true;
      auto random_state = [&](std::size_t count) {
        std::vector<std::int64_t> l(count);
        std::vector<InstanceCapacity> c(count);
        for (std::size_t i = 0; i < count; ++i) {
          l[i] = rng.uniform_int(0, 5);
          c[i] = kind(rng.uniform_int(0, 2));
        }
        return std::make_pair(l, c);
      };
      for (ReportingCapacityView* v : {&vc, &vp, &vd}) {
        auto [l, c] = random_state(n);
        v->renumber(l, c);
      }
      for (int step = 0; step < 1500; ++step) {
        for (ReportingCapacityView* v : {&vc, &vp, &vd}) {
          if (rng.uniform_int(0, 99) == 0) {  // renumbered: n - 1, n or n + 1 instances
            const auto count = static_cast<std::size_t>(
                std::max<std::int64_t>(1, static_cast<std::int64_t>(n) + rng.uniform_int(-1, 1)));
            auto [l, c] = random_state(count);
            v->renumber(l, c);
          }
          for (std::int64_t c = rng.uniform_int(0, 3); c > 0; --c) {
            const auto i = static_cast<std::size_t>(
                rng.uniform_int(0, static_cast<std::int64_t>(v->load.size()) - 1));
            v->set(i, rng.uniform_int(0, 5));
          }
        }
        // The references: copies that report nothing, so the routers scan them.
        const CapacityView pc = vc, pp = vp, pd = vd;
        const std::size_t a = cap.choose_instance(vc, {});
        ASSERT_EQ(a, LeastOutstandingCapacityRouter().choose_instance(pc, {}))
            << "n=" << n << " step " << step;
        vc.set(a, vc.load[a] + 1);
        const RouteRequest r{.prompt_tokens = 128 * rng.uniform_int(0, 4),
                             .output_tokens = 64 * rng.uniform_int(0, 4)};
        const std::size_t b = phase.choose_instance(vp, r);
        ASSERT_EQ(b, PhaseAwareRouter().choose_instance(pp, r))
            << "n=" << n << " step " << step;
        vp.set(b, vp.load[b] + 1);
        const std::size_t d = phase.choose_decode(vd, r);
        ASSERT_EQ(d, PhaseAwareRouter().choose_decode(pd, r))
            << "n=" << n << " step " << step;
        vd.set(d, vd.load[d] + 1);
      }
    }
}

// A score that is not strictly increasing in the load inside a capacity group (an infinite
// time: a zero rate) ties every instance of the group; the indexed path then picks what the
// scan picks (the lowest index), not the group's least loaded instance.
TEST(CapacityRoutersIndexed, ZeroRatesTieLikeTheScan) {
  PhaseAwareRouter phase;
  ReportingCapacityView v;
  v.router = &phase;
  v.renumber({3, 0, 1}, {{0, 1}, {0, 1}, {0, 1}});
  const RouteRequest r{.prompt_tokens = 10, .output_tokens = 10};
  EXPECT_EQ(phase.choose_instance(v, r), 0u);  // every score is +infinity
  LeastOutstandingCapacityRouter cap;
  v.router = &cap;
  v.one_phase = true;
  v.renumber({3, 0, 1}, {{0, 1}, {0, 1}, {0, 1}});
  EXPECT_EQ(cap.choose_instance(v, {}), 0u);
}

}  // namespace
}  // namespace xpusim::policy
