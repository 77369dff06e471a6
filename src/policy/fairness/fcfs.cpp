#include "xpusim/policy/fairness/fcfs.hpp"

#include <algorithm>

namespace xpusim::policy {

void FcfsFairness::on_enqueued(const FairRequest& r, std::size_t, const FairnessView&) {
  tenant_slots_ = std::max(tenant_slots_, r.tenant + 1);
}

void FcfsFairness::admission_order(const FairnessView& view, TimeNs, std::size_t limit,
                                   std::vector<std::int32_t>& order) const {
  std::vector<std::size_t> pos(static_cast<std::size_t>(tenant_slots_), 0);
  while (order.size() < limit) {
    std::int32_t best = -1;
    for (std::int32_t t = 0; t < tenant_slots_; ++t) {
      const std::size_t k = pos[static_cast<std::size_t>(t)];
      if (k >= view.waiting_of(t)) continue;
      const FairRequest& r = view.waiting_request(t, k);
      if (best < 0) {
        best = t;
        continue;
      }
      const FairRequest& b = view.waiting_request(best, pos[static_cast<std::size_t>(best)]);
      if (r.arrival_ns < b.arrival_ns || (r.arrival_ns == b.arrival_ns && r.id < b.id)) best = t;
    }
    if (best < 0) return;
    order.push_back(best);
    ++pos[static_cast<std::size_t>(best)];
  }
}

}  // namespace xpusim::policy
