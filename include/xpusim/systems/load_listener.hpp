#pragma once
// What a serving instance tells the cluster in front of it when its load may have changed, so
// that a router can keep an index of the instances' loads instead of scanning them all per
// request (policy::RoutingView::reports_load_changes).
#include <cstddef>

namespace xpusim::systems {

// Contract: the instance subscribed under `slot` calls on_load_changed(slot) before it returns
// from any of its public methods that may have changed anything a RoutingView reads of it
// (outstanding requests, allocated and free KV blocks, queued prompt blocks, high-priority
// requests); it may also call it when nothing changed. It never calls it while it is taking
// part in a routing decision.
class LoadListener {
 public:
  virtual ~LoadListener() = default;
  virtual void on_load_changed(std::size_t slot) = 0;
};

}  // namespace xpusim::systems
