#pragma once
// Hand-made per-tenant waiting queues for testing fairness policies alone.
#include <deque>
#include <vector>

#include "xpusim/policy/fairness/fairness_policy.hpp"

namespace xpusim::policy::testing {

struct FakeFairnessView : FairnessView {
  std::vector<std::deque<FairRequest>> queues;
  std::uint64_t next_id = 0;

  std::size_t waiting_of(std::int32_t t) const override {
    return static_cast<std::size_t>(t) < queues.size() ? queues[static_cast<std::size_t>(t)].size()
                                                       : 0;
  }
  const FairRequest& waiting_request(std::int32_t t, std::size_t k) const override {
    return queues.at(static_cast<std::size_t>(t)).at(k);
  }
  // Queues a request and tells the policy, as an instance does on arrival.
  FairRequest arrive(FairnessPolicy& p, std::int32_t tenant, std::int64_t in, std::int64_t out,
                     TimeNs at = 0) {
    FairRequest r{next_id++, tenant, in, out, at, false};
    if (static_cast<std::size_t>(tenant) >= queues.size())
      queues.resize(static_cast<std::size_t>(tenant) + 1);
    const std::size_t before = waiting_of(tenant);
    queues[static_cast<std::size_t>(tenant)].push_back(r);
    p.on_enqueued(r, before, *this);
    return r;
  }
  // Admits the head of `tenant`'s queue, as an instance does.
  FairRequest admit(FairnessPolicy& p, std::int32_t tenant, TimeNs now = 0) {
    FairRequest r = queues.at(static_cast<std::size_t>(tenant)).front();
    queues[static_cast<std::size_t>(tenant)].pop_front();
    p.on_admitted(r, !r.readmission, now);
    return r;
  }
  std::vector<std::int32_t> order(const FairnessPolicy& p, std::size_t limit = 1000,
                                  TimeNs now = 0) const {
    std::vector<std::int32_t> out;
    p.admission_order(*this, now, limit, out);
    return out;
  }
};

}  // namespace xpusim::policy::testing
