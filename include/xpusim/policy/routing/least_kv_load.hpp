#pragma once
// Sends each request to the instance whose KV cache is least used (allocated / total blocks);
// ties go to the fewest outstanding requests, then the lowest index.
#include <cstdint>
#include <utility>

#include "xpusim/policy/routing/load_tracker.hpp"
#include "xpusim/policy/routing/router.hpp"

namespace xpusim::policy {

// A linear scan, or O(log n) per changed instance through a LoadTracker when the view reports
// its changes; both pick the same instance.
class LeastKvLoadRouter final : public Router {
 public:
  std::size_t choose_instance(const RoutingView& view, const RouteRequest& request) override;
  void on_load_changed(std::size_t instance) override { tracker_.mark_changed(instance); }

 private:
  static std::size_t scan(const RoutingView& view);  // first strict minimum
  using Key = std::pair<double, std::int64_t>;  // (KV used fraction, outstanding)
  struct KeyOf {
    Key operator()(const RoutingView& v, std::size_t i) const {
      return {v.kv_used_fraction(i), v.outstanding(i)};
    }
  };
  LoadTracker<Key, KeyOf> tracker_{KeyOf{}};
};

}  // namespace xpusim::policy
