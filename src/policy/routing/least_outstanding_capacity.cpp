#include "xpusim/policy/routing/least_outstanding_capacity.hpp"

namespace xpusim::policy {

double LeastOutstandingCapacityRouter::score(const RoutingView& view, std::size_t i) {
  const InstanceCapacity c = view.capacity(i);
  const double rate = view.single_phase() ? c.prefill_tokens_per_s : c.decode_steps_per_s;
  return static_cast<double>(view.outstanding(i) + 1) / rate;
}

std::size_t LeastOutstandingCapacityRouter::choose_instance(const RoutingView& view,
                                                            const RouteRequest&) {
  return tracker_.choose(view, scan);
}

std::size_t LeastOutstandingCapacityRouter::scan(const RoutingView& view) {
  std::size_t best = 0;
  double best_score = 0;
  for (std::size_t i = 0; i < view.instance_count(); ++i) {
    const double s = score(view, i);
    if (i == 0 || s < best_score) {
      best = i;
      best_score = s;
    }
  }
  return best;
}

}  // namespace xpusim::policy
