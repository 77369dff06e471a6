#pragma once
// Llumnix's load-aware dispatch (OSDI'24; AlibabaPAI/llumnix, dispatch load metric
// `remaining_steps`, the default): each request goes to the instance with the most *freeness*,
//   freeness = (free KV blocks - blocks the waiting requests' prefills need
//               - priority_headroom_blocks x high-priority requests there) / (outstanding
//               requests),
// the decode steps the instance could run before its memory is used up; an instance with no
// request is infinitely free. Ties go to the lowest index. The headroom term is Llumnix's
// priority rule (its "virtual usage"): an instance serving high-priority requests looks that
// much fuller, so new requests go elsewhere and the high-priority ones keep room to run
// (default 0: no priority). The paper's baseline INFaaS++ uses this same dispatch without
// migration, so `llumnix` routing with and without `cluster.migration.policy: llumnix`
// isolates what migration adds.
// Every input of an instance's freeness is that instance's own state, so when the view reports
// its changes the router keeps the freenesses in a LoadTracker (O(log n) per changed instance)
// instead of scanning every instance per request; both pick the same instance.
#include <cstdint>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/routing/load_tracker.hpp"
#include "xpusim/policy/routing/router.hpp"

namespace xpusim::policy {

class LlumnixDispatchRouter final : public Router {
 public:
  struct Config {
    std::int64_t priority_headroom_blocks = 0;
  };
  LlumnixDispatchRouter() = default;
  explicit LlumnixDispatchRouter(Config config) : config_(config) {}
  static const ParamBinding<Config>& binding();
  std::size_t choose_instance(const RoutingView& view, const RouteRequest& request) override;
  void on_load_changed(std::size_t instance) override { tracker_.mark_changed(instance); }
  // The freeness of `instance` (+infinity when it holds no request).
  static double freeness(const RoutingView& view, std::size_t instance,
                         std::int64_t priority_headroom_blocks = 0);

 private:
  // Orders instances most free first, so the tracker's least key is the most free instance.
  struct Key {
    double freeness = 0;
    bool operator<(const Key& other) const { return freeness > other.freeness; }
  };
  struct KeyOf {
    std::int64_t headroom = 0;
    Key operator()(const RoutingView& v, std::size_t i) const { return {freeness(v, i, headroom)}; }
  };
  // The most free instance, ties to the lowest index.
  std::size_t scan(const RoutingView& view) const;

  Config config_;
  LoadTracker<Key, KeyOf> tracker_{KeyOf{config_.priority_headroom_blocks}};
};

}  // namespace xpusim::policy
