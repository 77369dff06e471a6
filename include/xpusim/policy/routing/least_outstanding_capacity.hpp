#pragma once
// Least outstanding work per unit of capacity, for clusters of unlike instances: each request
// goes to the instance with the smallest (outstanding + 1) / rate, where rate is the
// instance's prefill rate in a single-phase (disaggregated prefill) pool and its decode rate
// otherwise (a colocated instance's outstanding requests spend most of their time decoding).
// The + 1 counts the request being placed, so an idle cluster starts on its fastest instance.
// On equal instances it picks what least_outstanding picks; ties go to the lowest index.
#include "xpusim/policy/routing/router.hpp"

namespace xpusim::policy {

class LeastOutstandingCapacityRouter final : public Router {
 public:
  std::size_t choose_instance(const RoutingView& view, const RouteRequest& request) override;
};

}  // namespace xpusim::policy
