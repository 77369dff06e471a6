#include "xpusim/policy/routing/least_outstanding_capacity.hpp"

namespace xpusim::policy {

std::size_t LeastOutstandingCapacityRouter::choose_instance(const RoutingView& view,
                                                            const RouteRequest&) {
  const bool prefill = view.single_phase();
  std::size_t best = 0;
  double best_score = 0;
  for (std::size_t i = 0; i < view.instance_count(); ++i) {
    const InstanceCapacity c = view.capacity(i);
    const double rate = prefill ? c.prefill_tokens_per_s : c.decode_steps_per_s;
    const double score = static_cast<double>(view.outstanding(i) + 1) / rate;
    if (i == 0 || score < best_score) {
      best = i;
      best_score = score;
    }
  }
  return best;
}

}  // namespace xpusim::policy
