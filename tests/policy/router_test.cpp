#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "xpusim/core/rng.hpp"
#include "xpusim/policy/routing/least_kv_load.hpp"
#include "xpusim/policy/routing/least_outstanding.hpp"
#include "xpusim/policy/routing/llumnix_dispatch.hpp"
#include "xpusim/policy/routing/round_robin.hpp"

namespace xpusim::policy {
namespace {

struct FakeRoutingView : RoutingView {
  std::vector<std::int64_t> load;
  std::vector<double> kv;
  std::vector<std::int64_t> free, queued;  // KV blocks
  std::vector<std::int64_t> high;          // high-priority requests
  std::size_t instance_count() const override { return load.size(); }
  std::int64_t outstanding(std::size_t i) const override { return load.at(i); }
  double kv_used_fraction(std::size_t i) const override { return kv.empty() ? 0 : kv.at(i); }
  std::int64_t free_kv_blocks(std::size_t i) const override { return free.empty() ? 0 : free.at(i); }
  std::int64_t queued_prompt_blocks(std::size_t i) const override {
    return queued.empty() ? 0 : queued.at(i);
  }
  std::int64_t high_priority_requests(std::size_t i) const override {
    return high.empty() ? 0 : high.at(i);
  }
};

TEST(RoundRobin, CyclesThroughInstances) {
  FakeRoutingView v;
  v.load = {9, 0, 5};
  RoundRobinRouter r;
  std::vector<std::size_t> got;
  for (int i = 0; i < 5; ++i) got.push_back(r.choose_instance(v, {}));
  EXPECT_EQ(got, (std::vector<std::size_t>{0, 1, 2, 0, 1}));
}

TEST(LeastOutstanding, PicksLeastLoadedLowestIndexOnTies) {
  FakeRoutingView v;
  v.load = {4, 2, 7, 2};
  LeastOutstandingRouter r;
  EXPECT_EQ(r.choose_instance(v, {}), 1u);
  v.load = {3, 3, 3};
  EXPECT_EQ(r.choose_instance(v, {}), 0u);
}

TEST(LeastKvLoad, PicksLeastKvUsedThenFewestOutstanding) {
  FakeRoutingView v;
  v.load = {1, 9, 3, 2};
  v.kv = {0.5, 0.1, 0.3, 0.1};
  LeastKvLoadRouter r;
  EXPECT_EQ(r.choose_instance(v, {}), 3u);  // 0.1 ties between 1 and 3; 3 has fewer requests
  v.kv = {0.2, 0.9, 0.9, 0.9};
  EXPECT_EQ(r.choose_instance(v, {}), 0u);  // KV first, although it is not the least loaded
}

TEST(LlumnixDispatch, PicksTheMostFreenessFreeBlocksLessQueuedDemandPerRequest) {
  FakeRoutingView v;
  v.load = {4, 2, 8};
  v.free = {400, 300, 1000};
  v.queued = {0, 200, 200};
  // freeness: 400/4 = 100, (300-200)/2 = 50, (1000-200)/8 = 100 -> tie between 0 and 2: lowest.
  LlumnixDispatchRouter r;
  EXPECT_DOUBLE_EQ(LlumnixDispatchRouter::freeness(v, 1), 50.0);
  EXPECT_EQ(r.choose_instance(v, {}), 0u);
  v.free[2] = 1100;  // (1100-200)/8 = 112.5
  EXPECT_EQ(r.choose_instance(v, {}), 2u);
  // Queued demand beyond free memory makes freeness negative: that instance is the last choice
  // even with fewer requests.
  v.free = {10, 500, 500};
  v.queued = {100, 0, 0};
  v.load = {1, 5, 9};
  EXPECT_EQ(r.choose_instance(v, {}), 1u);
  // An instance without requests is infinitely free.
  v.load = {1, 5, 0};
  EXPECT_EQ(r.choose_instance(v, {}), 2u);
}

// Priority headroom (Llumnix's virtual usage): 50 blocks per high-priority request come off the
// free blocks. Instance 0: (400 - 2 x 50) / 4 = 75 < instance 2's (1000 - 200) / 8 = 100, so the
// request goes to 2; without headroom (the default) 0 and 2 tie at 100 and 0 wins.
TEST(LlumnixDispatch, PriorityHeadroomMakesInstancesWithHighPriorityRequestsLessFree) {
  FakeRoutingView v;
  v.load = {4, 2, 8};
  v.free = {400, 300, 1000};
  v.queued = {0, 200, 200};
  v.high = {2, 0, 0};
  EXPECT_EQ(LlumnixDispatchRouter().choose_instance(v, {}), 0u);
  LlumnixDispatchRouter r(LlumnixDispatchRouter::Config{.priority_headroom_blocks = 50});
  EXPECT_DOUBLE_EQ(LlumnixDispatchRouter::freeness(v, 0, 50), 75.0);
  EXPECT_EQ(r.choose_instance(v, {}), 2u);
  EXPECT_EQ(LlumnixDispatchRouter::binding().from({}).priority_headroom_blocks, 0);
}

// A view that reports every change to the router it serves, as RoutingView asks.
struct ReportingView : FakeRoutingView {
  Router* router = nullptr;
  bool reports_load_changes() const override { return true; }
  void set(std::size_t i, std::int64_t outstanding, double kv_fraction) {
    load[i] = outstanding;
    kv[i] = kv_fraction;
    router->on_load_changed(i);
  }
};

// The linear scans, written out as the reference: first strict minimum.
std::size_t scan_least_outstanding(const FakeRoutingView& v) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < v.load.size(); ++i)
    if (v.load[i] < v.load[best]) best = i;
  return best;
}
std::size_t scan_least_kv(const FakeRoutingView& v) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < v.load.size(); ++i)
    if (v.kv[i] < v.kv[best] || (v.kv[i] == v.kv[best] && v.load[i] < v.load[best])) best = i;
  return best;
}

// The indexed path (view reports its changes) picks exactly what the scan picks, ties included:
// random instance counts (1, powers of two and not), random changes of a few instances between
// decisions (loads from a small range, so ties are everywhere), the chosen instance's load
// raised as a cluster would after routing to it.
TEST(LoadIndexedRouters, PickExactlyWhatTheLinearScanPicks) {
  RngStream rng(99);
  for (const std::size_t n : {1u, 2u, 3u, 7u, 8u, 64u, 1000u, 1025u}) {
    LeastOutstandingRouter lo;
    LeastKvLoadRouter kv;
    ReportingView vlo, vkv;
    for (ReportingView* v : {&vlo, &vkv}) {
      v->load.assign(n, 0);
      v->kv.assign(n, 0.0);
    }
    vlo.router = &lo;
    vkv.router = &kv;
    for (int step = 0; step < 3000; ++step) {
      const auto changes = rng.uniform_int(0, 4);
      for (std::int64_t c = 0; c < changes; ++c) {
        const auto i = static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(n) - 1));
        const std::int64_t load = rng.uniform_int(0, 6);
        const double frac = static_cast<double>(rng.uniform_int(0, 4)) / 4.0;
        vlo.set(i, load, frac);
        vkv.set(i, load, frac);
      }
      const std::size_t a = lo.choose_instance(vlo, {});
      ASSERT_EQ(a, scan_least_outstanding(vlo)) << "n=" << n << " step " << step;
      vlo.set(a, vlo.load[a] + 1, vlo.kv[a]);
      const std::size_t b = kv.choose_instance(vkv, {});
      ASSERT_EQ(b, scan_least_kv(vkv)) << "n=" << n << " step " << step;
      vkv.set(b, vkv.load[b] + 1, std::min(1.0, vkv.kv[b] + 0.25));
    }
  }
}

// The most free instance, written out as the reference: first strict maximum of freeness.
std::size_t scan_llumnix(const FakeRoutingView& v, std::int64_t headroom) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < v.load.size(); ++i)
    if (LlumnixDispatchRouter::freeness(v, i, headroom) >
        LlumnixDispatchRouter::freeness(v, best, headroom))
      best = i;
  return best;
}

// Llumnix's dispatch through its index picks what the scan picks: random changes of every
// input of the freeness (outstanding 0-4, so idle instances tie at +infinity and equal
// fractions tie often; free and queued blocks from a small range, negative freeness included),
// with and without priority headroom.
TEST(LoadIndexedRouters, LlumnixPicksExactlyWhatTheLinearScanPicks) {
  RngStream rng(7);
  for (const std::int64_t headroom : {0, 10})
    for (const std::size_t n : {1u, 2u, 5u, 16u, 100u, 257u}) {
      LlumnixDispatchRouter r(LlumnixDispatchRouter::Config{.priority_headroom_blocks = headroom});
      FakeRoutingView v;
      v.load.assign(n, 0);
      v.free.assign(n, 40);
      v.queued.assign(n, 0);
      v.high.assign(n, 0);
      struct Reporting : RoutingView {
        const FakeRoutingView& f;
        explicit Reporting(const FakeRoutingView& fake) : f(fake) {}
        std::size_t instance_count() const override { return f.instance_count(); }
        std::int64_t outstanding(std::size_t i) const override { return f.outstanding(i); }
        double kv_used_fraction(std::size_t i) const override { return f.kv_used_fraction(i); }
        std::int64_t free_kv_blocks(std::size_t i) const override { return f.free_kv_blocks(i); }
        std::int64_t queued_prompt_blocks(std::size_t i) const override {
          return f.queued_prompt_blocks(i);
        }
        std::int64_t high_priority_requests(std::size_t i) const override {
          return f.high_priority_requests(i);
        }
        bool reports_load_changes() const override { return true; }
      } reporting(v);
      for (int step = 0; step < 2000; ++step) {
        for (std::int64_t c = rng.uniform_int(0, 3); c > 0; --c) {
          const auto i = static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(n) - 1));
          v.load[i] = rng.uniform_int(0, 4);
          v.free[i] = 4 * rng.uniform_int(0, 10);
          v.queued[i] = 4 * rng.uniform_int(0, 3);
          v.high[i] = std::min(v.load[i], rng.uniform_int(0, 1));
          r.on_load_changed(i);
        }
        const std::size_t pick = r.choose_instance(reporting, {});
        ASSERT_EQ(pick, scan_llumnix(v, headroom)) << "n=" << n << " step " << step;
        ++v.load[pick];  // what the cluster does after routing there
        r.on_load_changed(pick);
      }
    }
}

// Without reported changes the routers scan, so a silent change is still seen.
TEST(LoadIndexedRouters, ViewsThatDoNotReportAreScanned) {
  FakeRoutingView v;
  v.load = {1, 2, 3};
  LeastOutstandingRouter r;
  EXPECT_EQ(r.choose_instance(v, {}), 0u);
  v.load = {5, 2, 3};
  EXPECT_EQ(r.choose_instance(v, {}), 1u);
}

}  // namespace
}  // namespace xpusim::policy
