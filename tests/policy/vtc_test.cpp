// VTC alone on hand-made queues: the artifact's counter rules, and its fairness bound.
#include "xpusim/policy/fairness/vtc.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>

#include "fake_fairness_view.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/policy/fairness/fcfs.hpp"

namespace xpusim::policy {
namespace {

using testing::FakeFairnessView;

TEST(Vtc, ChargesInputAtAdmissionAndOutputPerToken) {
  VtcFairness vtc({1, 2}, TenantWeights{});
  FakeFairnessView v;
  v.arrive(vtc, 0, 100, 50);
  v.admit(vtc, 0);
  EXPECT_DOUBLE_EQ(vtc.counter(0), 100);
  vtc.on_output_tokens(0, 3, 0);
  EXPECT_DOUBLE_EQ(vtc.counter(0), 106);
}

TEST(Vtc, TenantWeightDividesCharges) {
  VtcFairness vtc({1, 2}, TenantWeights{{1, 4}});
  FakeFairnessView v;
  v.arrive(vtc, 1, 100, 50);
  v.admit(vtc, 1);
  vtc.on_output_tokens(1, 2, 0);
  EXPECT_DOUBLE_EQ(vtc.counter(1), (100 + 4) / 4.0);
}

TEST(Vtc, ReturningTenantIsLiftedToTheSmallestBackloggedCounter) {
  VtcFairness vtc({1, 2}, TenantWeights{});
  FakeFairnessView v;
  // t0 and t1 get served, t2 arrives only later.
  v.arrive(vtc, 0, 100, 1);
  v.arrive(vtc, 1, 300, 1);
  v.admit(vtc, 0);  // c0 = 100
  v.admit(vtc, 1);  // c1 = 300
  // Nobody else backlogged: a tenant arriving now keeps its own counter (0).
  v.arrive(vtc, 2, 10, 1);
  EXPECT_DOUBLE_EQ(vtc.counter(2), 0);
  v.admit(vtc, 2);  // c2 = 10
  // t0 and t1 backlogged again; t2 returns and is lifted to min(100, 300).
  v.arrive(vtc, 0, 10, 1);
  EXPECT_DOUBLE_EQ(vtc.counter(0), 100) << "lift never lowers a counter";
  v.arrive(vtc, 1, 10, 1);
  v.arrive(vtc, 2, 10, 1);
  EXPECT_DOUBLE_EQ(vtc.counter(2), 100);
  // A tenant with requests already waiting is not lifted again.
  vtc.on_output_tokens(0, 500, 0);  // c0 = 1100
  v.arrive(vtc, 2, 10, 1);
  EXPECT_DOUBLE_EQ(vtc.counter(2), 100);
}

TEST(Vtc, LcfBaselineNeverLifts) {
  VtcFairness lcf({1, 2, false}, TenantWeights{});
  FakeFairnessView v;
  v.arrive(lcf, 0, 100, 1);
  v.arrive(lcf, 0, 100, 1);
  v.admit(lcf, 0);  // c0 = 100, t0 still backlogged
  v.arrive(lcf, 1, 10, 1);
  EXPECT_DOUBLE_EQ(lcf.counter(1), 0) << "LCF keeps the newcomer's (idle-time) advantage";
}

TEST(Vtc, AdmissionOrderIsLeastCounterFirstChargingEachAdmissionInTurn) {
  VtcFairness vtc({1, 2}, TenantWeights{});
  FakeFairnessView v;
  for (int i = 0; i < 3; ++i) v.arrive(vtc, 0, 100, 1);
  for (int i = 0; i < 3; ++i) v.arrive(vtc, 1, 300, 1);
  // c0 = c1 = 0: t0 (seen first) wins ties. 0:100 1:300 0:200 0:300 (t0 empty) 1 1.
  EXPECT_EQ(v.order(vtc), (std::vector<std::int32_t>{0, 1, 0, 0, 1, 1}));
  EXPECT_EQ(v.order(vtc, 2), (std::vector<std::int32_t>{0, 1}));
  EXPECT_DOUBLE_EQ(vtc.counter(0), 0) << "ordering must not charge";
  // Admitting along the order leaves the rest of it unchanged.
  v.admit(vtc, 0);
  EXPECT_EQ(v.order(vtc), (std::vector<std::int32_t>{1, 0, 0, 1, 1}));
}

TEST(Vtc, ReadmissionAfterRecomputePreemptionIsNotChargedAgain) {
  VtcFairness vtc({1, 2}, TenantWeights{});
  FakeFairnessView v;
  v.arrive(vtc, 0, 100, 5);
  FairRequest r = v.admit(vtc, 0);
  r.readmission = true;
  v.queues[0].push_front(r);
  vtc.on_enqueued(r, 0, v);
  v.admit(vtc, 0);
  EXPECT_DOUBLE_EQ(vtc.counter(0), 100);
}

// The ordered structure against the artifact's linear scan, written out here as the reference:
// on random sequences of arrivals (of new and returning tenants), re-queued preempted requests,
// admissions in the policy's order, drops (requests leaving without admission), output tokens
// and equal counters (integer charges make ties common), the lift and every admission order
// are exactly the scan's.
TEST(Vtc, OrderedBacklogPicksExactlyWhatTheLinearScanPicks) {
  for (const bool lift : {true, false}) {
    RngStream rng(lift ? 11 : 12);
    VtcFairness vtc({1, 2, lift}, TenantWeights{{1, 2, 1, 1, 3}});
    FakeFairnessView v;
    std::vector<std::int32_t> first_seen;
    const auto charge_of = [&](const FairRequest& r) { return vtc.admission_charge(r); };
    // Reference: least counter first, ties to the first-seen tenant, each pick charged.
    const auto reference_order = [&](std::size_t limit) {
      struct Active {
        std::int32_t tenant;
        double counter;
        std::size_t next;
      };
      std::vector<Active> active;
      for (const std::int32_t t : first_seen)
        if (v.waiting_of(t) > 0) active.push_back({t, vtc.counter(t), 0});
      std::vector<std::int32_t> out;
      while (out.size() < limit && !active.empty()) {
        std::size_t best = 0;
        for (std::size_t i = 1; i < active.size(); ++i)
          if (active[i].counter < active[best].counter) best = i;
        out.push_back(active[best].tenant);
        active[best].counter += charge_of(v.waiting_request(active[best].tenant, active[best].next));
        if (++active[best].next == v.waiting_of(active[best].tenant))
          active.erase(active.begin() + static_cast<std::ptrdiff_t>(best));
      }
      return out;
    };
    const auto expected_lift = [&](std::int32_t tenant, double own) {
      double lowest = -1;
      for (const std::int32_t t : first_seen)
        if (t != tenant && v.waiting_of(t) > 0 && (lowest < 0 || vtc.counter(t) < lowest))
          lowest = vtc.counter(t);
      return lift && lowest >= 0 ? std::max(own, lowest) : own;
    };
    for (int step = 0; step < 6000; ++step) {
      const int op = static_cast<int>(rng.uniform_int(0, 9));
      const auto tenant = static_cast<std::int32_t>(rng.uniform_int(0, 39));
      if (op <= 3) {  // arrival
        if (std::find(first_seen.begin(), first_seen.end(), tenant) == first_seen.end())
          first_seen.push_back(tenant);
        const bool idle = v.waiting_of(tenant) == 0;
        const double want = idle ? expected_lift(tenant, vtc.counter(tenant)) : vtc.counter(tenant);
        v.arrive(vtc, tenant, 10 * rng.uniform_int(1, 4), 5);
        ASSERT_EQ(vtc.counter(tenant), want) << "step " << step;
      } else if (op <= 5) {  // admit the policy's next
        const auto next = v.order(vtc, 1);
        if (!next.empty()) v.admit(vtc, next[0]);
      } else if (op == 6) {  // a request leaves unadmitted (rejected, handed back)
        if (v.waiting_of(tenant) > 0) v.queues[static_cast<std::size_t>(tenant)].pop_back();
      } else if (op == 7) {  // output tokens, also of tenants not waiting here
        vtc.on_output_tokens(tenant, rng.uniform_int(1, 20), 0);
      } else if (op == 8) {  // a preempted request re-queued at the front
        FairRequest r{v.next_id++, tenant, 10 * rng.uniform_int(1, 4), 5, 0, true};
        if (v.queues.size() <= static_cast<std::size_t>(tenant))
          v.queues.resize(static_cast<std::size_t>(tenant) + 1);
        if (std::find(first_seen.begin(), first_seen.end(), tenant) == first_seen.end())
          first_seen.push_back(tenant);
        const std::size_t before = v.waiting_of(tenant);
        const double want = before == 0 ? expected_lift(tenant, vtc.counter(tenant))
                                        : vtc.counter(tenant);
        v.queues[static_cast<std::size_t>(tenant)].push_front(r);
        vtc.on_enqueued(r, before, v);
        ASSERT_EQ(vtc.counter(tenant), want) << "step " << step;
      }
      const auto limit = static_cast<std::size_t>(rng.uniform_int(1, 64));
      ASSERT_EQ(v.order(vtc, limit), reference_order(limit)) << "step " << step;
    }
  }
}

// A small continuous-batching loop: every tenant always has requests waiting; admission in
// the policy's order while the batch's tokens stay within `capacity`; each running request
// emits one token per step. Returns the largest accumulated-service gap seen, with service
// priced as VTC's linear cost (w_p = 1, w_q = 2).
double max_service_gap(FairnessPolicy& policy, const std::vector<double>& share, std::uint64_t seed,
                       std::int64_t capacity, int steps) {
  RngStream rng(seed);
  FakeFairnessView v;
  const auto tenants = static_cast<std::int32_t>(share.size());
  auto arrive_one = [&](TimeNs t) {
    double u = rng.uniform01();
    std::int32_t tenant = 0;
    while (tenant + 1 < tenants && u >= share[static_cast<std::size_t>(tenant)])
      u -= share[static_cast<std::size_t>(tenant++)];
    v.arrive(policy, tenant, rng.uniform_int(1, 256), rng.uniform_int(1, 256), t);
  };
  for (int i = 0; i < 400; ++i) arrive_one(0);
  struct Running {
    std::int32_t tenant;
    std::int64_t tokens;  // in + generated
    std::int64_t left;
  };
  std::vector<Running> running;
  std::vector<double> service(share.size(), 0.0);
  double worst = 0;
  for (int step = 1; step <= steps; ++step) {
    const TimeNs now = step;
    std::int64_t used = 0;
    for (const Running& r : running) used += r.tokens;
    std::vector<std::int32_t> order;
    policy.admission_order(v, now, 64, order);
    for (const std::int32_t t : order) {
      const FairRequest& head = v.queues[static_cast<std::size_t>(t)].front();
      if (used + head.input_tokens + 1 > capacity) break;  // no skipping (as the artifact)
      used += head.input_tokens;
      const FairRequest r = v.admit(policy, t, now);
      service[static_cast<std::size_t>(t)] += static_cast<double>(r.input_tokens);
      running.push_back({t, r.input_tokens, r.output_tokens});
    }
    std::vector<std::int64_t> tokens(share.size(), 0);
    for (Running& r : running) {
      ++r.tokens;
      --r.left;
      ++tokens[static_cast<std::size_t>(r.tenant)];
    }
    for (std::int32_t t = 0; t < tenants; ++t) {
      const std::int64_t n = tokens[static_cast<std::size_t>(t)];
      if (n == 0) continue;
      policy.on_output_tokens(t, n, now);
      service[static_cast<std::size_t>(t)] += 2.0 * static_cast<double>(n);
    }
    running.erase(std::remove_if(running.begin(), running.end(),
                                 [](const Running& r) { return r.left <= 0; }),
                  running.end());
    while (static_cast<std::int64_t>(v.queues.size()) < tenants || [&] {
      for (const auto& q : v.queues)
        if (q.size() < 50) return true;
      return false;
    }())
      arrive_one(now);  // keep every tenant backlogged
    const auto [lo, hi] = std::minmax_element(service.begin(), service.end());
    worst = std::max(worst, *hi - *lo);
  }
  return worst;
}

// VTC's theorem: between backlogged tenants the service gap stays within 2U, U = max(w_p *
// longest prompt, w_q * M) with M the most tokens a batch holds.
TEST(Vtc, RandomizedServiceGapStaysWithinTwiceTheLargestCost) {
  const std::int64_t capacity = 2048;
  const double bound = 2 * std::max(1.0 * 256, 2.0 * static_cast<double>(capacity));
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    VtcFairness vtc({1, 2}, TenantWeights{});
    const double gap = max_service_gap(vtc, {0.6, 0.3, 0.1}, seed, capacity, 3000);
    EXPECT_LE(gap, bound) << "seed " << seed;
  }
}

// The same loop under FCFS lets the tenant sending most pull away: the bound is not vacuous.
TEST(Vtc, FcfsServiceGapExceedsTheBoundOnTheSameLoop) {
  const std::int64_t capacity = 2048;
  const double bound = 2 * std::max(1.0 * 256, 2.0 * static_cast<double>(capacity));
  FcfsFairness fcfs;
  EXPECT_GT(max_service_gap(fcfs, {0.6, 0.3, 0.1}, 1, capacity, 3000), 5 * bound);
}

}  // namespace
}  // namespace xpusim::policy
