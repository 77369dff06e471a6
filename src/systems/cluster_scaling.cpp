// Auto-scaling in a colocated cluster: instances stop taking requests, leave and join through
// the up list that failures use (docs/serving.md, "Auto-scaling").
#include "xpusim/core/error.hpp"
#include "xpusim/systems/cluster.hpp"

namespace xpusim::systems {

void Cluster::withhold(std::size_t i, bool withheld) {
  XPUSIM_CHECK(i < instances_.size() && !instances_[i]->down(), "withholding an instance that is down");
  if (withheld_.size() < instances_.size()) withheld_.resize(instances_.size(), 0);
  if (static_cast<bool>(withheld_[i]) == withheld) return;
  withheld_[i] = withheld;
  if (withheld) ++withheld_count_;
  else --withheld_count_;
  renumber_up();
}

void Cluster::power_off(std::size_t i, TimeNs now) {
  XPUSIM_CHECK(i < withheld_.size() && withheld_[i] && instances_[i]->outstanding() == 0,
               "switching off an instance that takes or holds requests");
  const std::vector<workload::Request> held = instances_[i]->fail(now);
  XPUSIM_CHECK(held.empty(), "a drained instance held requests");
}

void Cluster::power_on(std::size_t i, TimeNs now) {
  XPUSIM_CHECK(i < withheld_.size() && withheld_[i] && instances_[i]->down(),
               "switching on an instance that is not off");
  instances_[i]->recover(now);
  withheld_[i] = 0;
  --withheld_count_;
  renumber_up();
  std::deque<workload::Request> waiting;
  waiting.swap(parked_);
  for (auto& r : waiting) route(std::move(r), now);
}

}  // namespace xpusim::systems
