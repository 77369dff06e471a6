#include "xpusim/systems/priority_order.hpp"

#include <algorithm>

namespace xpusim::systems {

double PriorityOrder::rank(const workload::Request& r) const {
  if (!fairness_driven()) return r.priority;
  const auto t = static_cast<std::size_t>(std::max<std::int32_t>(r.tenant, 0));
  if (t >= known_.size()) {
    known_.resize(t + 1, false);
    tenant_rank_.resize(t + 1, 0.0);
  }
  if (!known_[t]) {
    tenant_rank_[t] = -service_(static_cast<std::int32_t>(t));
    known_[t] = true;
  }
  return tenant_rank_[t];
}

bool PriorityOrder::outranks(const workload::Request& a, const workload::Request& b) const {
  const double ra = rank(a), rb = rank(b);
  if (ra != rb) return ra > rb;
  if (a.arrival_ns != b.arrival_ns) return a.arrival_ns < b.arrival_ns;
  return a.id < b.id;
}

bool PriorityOrder::begin_iteration() {
  if (!fairness_driven()) return false;
  const bool due = iterations_++ % config_.reprioritize_every == 0;
  if (!due) return false;
  // Forgetting every rank makes each tenant's next lookup read its current service.
  std::fill(known_.begin(), known_.end(), false);
  ++reprioritizations_;
  return true;
}

}  // namespace xpusim::systems
