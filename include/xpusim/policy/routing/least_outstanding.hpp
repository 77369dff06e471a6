#pragma once
// Sends each request to the instance with the fewest outstanding (waiting + running) requests;
// ties go to the lowest index so runs are deterministic.
#include <cstdint>

#include "xpusim/policy/routing/load_tracker.hpp"
#include "xpusim/policy/routing/router.hpp"

namespace xpusim::policy {

// A linear scan, or O(log n) per changed instance through a LoadTracker when the view reports
// its changes; both pick the same instance.
class LeastOutstandingRouter final : public Router {
 public:
  std::size_t choose_instance(const RoutingView& view, const RouteRequest& request) override;
  void on_load_changed(std::size_t instance) override { tracker_.mark_changed(instance); }

 private:
  static std::size_t scan(const RoutingView& view);  // first strict minimum
  struct KeyOf {
    std::int64_t operator()(const RoutingView& v, std::size_t i) const { return v.outstanding(i); }
  };
  LoadTracker<std::int64_t, KeyOf> tracker_{KeyOf{}};
};

}  // namespace xpusim::policy
