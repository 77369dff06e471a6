#include "xpusim/policy/routing/least_outstanding.hpp"

namespace xpusim::policy {

std::size_t LeastOutstandingRouter::choose_instance(const RoutingView& view,
                                                    const RouteRequest&) {
  return tracker_.choose(view, scan);
}

std::size_t LeastOutstandingRouter::scan(const RoutingView& view) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < view.instance_count(); ++i)
    if (view.outstanding(i) < view.outstanding(best)) best = i;
  return best;
}

}  // namespace xpusim::policy
