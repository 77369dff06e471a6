#include "xpusim/policy/routing/llumnix_dispatch.hpp"

#include <limits>

namespace xpusim::policy {

double LlumnixDispatchRouter::freeness(const RoutingView& view, std::size_t i) {
  const std::int64_t requests = view.outstanding(i);
  if (requests == 0) return std::numeric_limits<double>::infinity();
  return static_cast<double>(view.free_kv_blocks(i) - view.queued_prompt_blocks(i)) /
         static_cast<double>(requests);
}

std::size_t LlumnixDispatchRouter::choose_instance(const RoutingView& view, const RouteRequest&) {
  std::size_t best = 0;
  double best_free = freeness(view, 0);
  for (std::size_t i = 1; i < view.instance_count(); ++i) {
    const double f = freeness(view, i);
    if (f > best_free) {
      best = i;
      best_free = f;
    }
  }
  return best;
}

}  // namespace xpusim::policy
