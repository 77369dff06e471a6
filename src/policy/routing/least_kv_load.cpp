#include "xpusim/policy/routing/least_kv_load.hpp"

namespace xpusim::policy {

std::size_t LeastKvLoadRouter::choose_instance(const RoutingView& view, const RouteRequest&) {
  return tracker_.choose(view, scan);
}

std::size_t LeastKvLoadRouter::scan(const RoutingView& view) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < view.instance_count(); ++i) {
    const double kv = view.kv_used_fraction(i), best_kv = view.kv_used_fraction(best);
    if (kv < best_kv || (kv == best_kv && view.outstanding(i) < view.outstanding(best))) best = i;
  }
  return best;
}

}  // namespace xpusim::policy
