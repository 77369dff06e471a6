#pragma once
// Least outstanding work per unit of capacity, for clusters of unlike instances: each request
// goes to the instance with the smallest (outstanding + 1) / rate, where rate is the
// instance's prefill rate in a single-phase (disaggregated prefill) pool and its decode rate
// otherwise (a colocated instance's outstanding requests spend most of their time decoding).
// The + 1 counts the request being placed, so an idle cluster starts on its fastest instance.
// On equal instances it picks what least_outstanding picks; ties go to the lowest index.
// Every input of an instance's score is that instance's own state (its capacity is fixed), so
// when the view reports its changes the router keeps the scores in a LoadTracker (O(log n) per
// changed instance) instead of scanning every instance per request; both pick the same instance.
#include "xpusim/policy/routing/load_tracker.hpp"
#include "xpusim/policy/routing/router.hpp"

namespace xpusim::policy {

class LeastOutstandingCapacityRouter final : public Router {
 public:
  std::size_t choose_instance(const RoutingView& view, const RouteRequest& request) override;
  void on_load_changed(std::size_t instance) override { tracker_.mark_changed(instance); }
  // (outstanding + 1) / rate of `instance`: what the scan and the index both compare.
  static double score(const RoutingView& view, std::size_t instance);

 private:
  static std::size_t scan(const RoutingView& view);  // first strict minimum of score
  struct KeyOf {
    double operator()(const RoutingView& v, std::size_t i) const { return score(v, i); }
  };
  LoadTracker<double, KeyOf> tracker_{KeyOf{}};
};

}  // namespace xpusim::policy
