#pragma once
// Sends each request to the instance with the fewest outstanding (waiting + running) requests;
// ties go to the lowest index so runs are deterministic.
#include "xpusim/policy/routing/router.hpp"

namespace xpusim::policy {

class LeastOutstandingRouter final : public Router {
 public:
  std::size_t choose_instance(const RoutingView& view, const RouteRequest& request) override;
};

}  // namespace xpusim::policy
