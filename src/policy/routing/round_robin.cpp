#include "xpusim/policy/routing/round_robin.hpp"

namespace xpusim::policy {

std::size_t RoundRobinRouter::choose_instance(const RoutingView& view, const RouteRequest&) {
  const std::size_t chosen = next_ % view.instance_count();
  next_ = chosen + 1;
  return chosen;
}

}  // namespace xpusim::policy
