#pragma once
// Sends each request to the instance whose KV cache is least used (allocated / total blocks);
// ties go to the fewest outstanding requests, then the lowest index.
#include "xpusim/policy/routing/router.hpp"

namespace xpusim::policy {

class LeastKvLoadRouter final : public Router {
 public:
  std::size_t choose_instance(const RoutingView& view, const RouteRequest& request) override;
};

}  // namespace xpusim::policy
