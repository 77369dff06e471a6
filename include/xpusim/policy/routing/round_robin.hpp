#pragma once
// Sends requests to instances in turn, ignoring load.
#include "xpusim/policy/routing/router.hpp"

namespace xpusim::policy {

class RoundRobinRouter final : public Router {
 public:
  std::size_t choose_instance(const RoutingView& view, const RouteRequest& request) override;

 private:
  std::size_t next_ = 0;
};

}  // namespace xpusim::policy
