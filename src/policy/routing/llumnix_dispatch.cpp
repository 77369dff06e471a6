#include "xpusim/policy/routing/llumnix_dispatch.hpp"

#include <limits>

namespace xpusim::policy {

const ParamBinding<LlumnixDispatchRouter::Config>& LlumnixDispatchRouter::binding() {
  static const auto b = ParamBinding<Config>().integer(
      XPUSIM_KEY(Config, priority_headroom_blocks), "blocks",
      "KV blocks of headroom per high-priority request (priority > 0) on an instance, "
      "subtracted from its free blocks (Llumnix's virtual usage); 0 = priorities ignored",
      {.min = 0, .max = 1e9});
  return b;
}

double LlumnixDispatchRouter::freeness(const RoutingView& view, std::size_t i,
                                       std::int64_t priority_headroom_blocks) {
  const std::int64_t requests = view.outstanding(i);
  if (requests == 0) return std::numeric_limits<double>::infinity();
  std::int64_t free = view.free_kv_blocks(i) - view.queued_prompt_blocks(i);
  if (priority_headroom_blocks > 0) free -= priority_headroom_blocks * view.high_priority_requests(i);
  return static_cast<double>(free) / static_cast<double>(requests);
}

std::size_t LlumnixDispatchRouter::choose_instance(const RoutingView& view, const RouteRequest&) {
  return tracker_.choose(view, [this](const RoutingView& v) { return scan(v); });
}

std::size_t LlumnixDispatchRouter::scan(const RoutingView& view) const {
  const std::int64_t headroom = config_.priority_headroom_blocks;
  std::size_t best = 0;
  double best_free = freeness(view, 0, headroom);
  for (std::size_t i = 1; i < view.instance_count(); ++i) {
    const double f = freeness(view, i, headroom);
    if (f > best_free) {
      best = i;
      best_free = f;
    }
  }
  return best;
}

}  // namespace xpusim::policy
