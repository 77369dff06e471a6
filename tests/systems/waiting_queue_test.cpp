// The waiting queue's cached admission order (per-tenant queues under VTC): however the
// batching policy walks it, position i is the same request as in an order computed in one go,
// and each tenant's requests come in the order they were queued.
#include "xpusim/systems/waiting_queue.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <set>

#include "xpusim/core/rng.hpp"
#include "xpusim/policy/fairness/vtc.hpp"

namespace xpusim::systems {
namespace {

std::unique_ptr<policy::FairnessPolicy> vtc() {
  return std::make_unique<policy::VtcFairness>(policy::VtcFairness::Config{},
                                               policy::TenantWeights{});
}

// Two queues fed the same operations: `walked` is read a few positions at a time (the cached
// order is extended, reused after admissions, and rebuilt after counter changes, touching a
// few of many tenants each time), `whole` all at once. 300 tenants, few requests each, so most
// tenants are absent from any one order. Admissions run past the end of `walked`'s cached
// order, down to the last request (which once read a tenant out of an empty order).
TEST(WaitingQueue, WalkedOrderEqualsTheWholeOrderAndKeepsEachTenantFifo) {
  WaitingQueue walked(vtc()), whole(vtc());
  RngStream rng(5);
  std::map<std::uint32_t, std::int32_t> tenant_of;
  std::map<std::int32_t, std::deque<std::uint32_t>> fifo;  // queued order per tenant
  std::uint32_t next_seq = 0;
  TimeNs now = 0;
  for (int step = 0; step < 4000; ++step) {
    now += rng.uniform_int(0, 1000);
    const std::int64_t op = rng.uniform_int(0, 9);
    if (op < 5 || walked.empty()) {  // an arrival
      workload::Request r;
      r.id = next_seq;
      r.tenant = static_cast<std::int32_t>(rng.uniform_int(0, 299));
      r.prompt_tokens = static_cast<std::int32_t>(rng.uniform_int(1, 500));
      r.output_tokens = 10;
      r.arrival_ns = now;
      const policy::FairRequest f = WaitingQueue::describe(r, false);
      ASSERT_TRUE(walked.accept(f, now) && whole.accept(f, now));
      walked.push_back(next_seq, f);
      whole.push_back(next_seq, f);
      tenant_of[next_seq] = r.tenant;
      fifo[r.tenant].push_back(next_seq);
      ++next_seq;
    } else if (op < 8) {  // admissions of the head
      for (std::int64_t k = rng.uniform_int(1, 3); k > 0 && !walked.empty(); --k) {
        const std::uint32_t a = walked.admit_front(now), b = whole.admit_front(now);
        ASSERT_EQ(a, b) << "step " << step;
        auto& q = fifo[tenant_of[a]];
        ASSERT_EQ(q.front(), a);
        q.pop_front();
      }
    } else {  // a decode step charges a few tenants (reorders)
      for (int k = 0; k < 3; ++k) {
        const auto t = static_cast<std::int32_t>(rng.uniform_int(0, 299));
        const std::int64_t n = rng.uniform_int(1, 5);
        walked.on_output_tokens(t, n, now);
        whole.on_output_tokens(t, n, now);
      }
    }
    if (walked.empty()) continue;
    // `whole` computes its order for every waiting request at once; `walked` a few at a time.
    (void)whole.at(whole.size() - 1);
    const auto depth = static_cast<std::size_t>(
        rng.uniform_int(1, static_cast<std::int64_t>(std::min<std::size_t>(walked.size(), 40))));
    std::map<std::int32_t, std::size_t> seen;
    std::set<std::uint32_t> distinct;
    for (std::size_t i = 0; i < depth; ++i) {
      const std::uint32_t s = walked.at(i);
      ASSERT_EQ(s, whole.at(i)) << "step " << step << " position " << i;
      const std::int32_t t = tenant_of.at(s);
      ASSERT_EQ(fifo[t].at(seen[t]++), s) << "tenant " << t << " out of queued order";
      distinct.insert(s);
    }
    ASSERT_EQ(distinct.size(), depth);
    ASSERT_TRUE(walked.consistent());
  }
}

}  // namespace
}  // namespace xpusim::systems
