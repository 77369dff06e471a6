#pragma once
// Llumnix's load-aware dispatch (OSDI'24; AlibabaPAI/llumnix, dispatch load metric
// `remaining_steps`, the default): each request goes to the instance with the most *freeness*,
//   freeness = (free KV blocks - blocks the waiting requests' prefills need) / (outstanding
//   requests),
// the decode steps the instance could run before its memory is used up; an instance with no
// request is infinitely free. Ties go to the lowest index. The paper's baseline INFaaS++ uses
// this same dispatch without migration, so `llumnix` routing with and without
// `cluster.migration.policy: llumnix` isolates what migration adds.
#include "xpusim/policy/routing/router.hpp"

namespace xpusim::policy {

class LlumnixDispatchRouter final : public Router {
 public:
  std::size_t choose_instance(const RoutingView& view, const RouteRequest& request) override;
  // The freeness of `instance` (+infinity when it holds no request).
  static double freeness(const RoutingView& view, std::size_t instance);
};

}  // namespace xpusim::policy
