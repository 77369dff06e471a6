#pragma once
// A routing view of the instances that are up, renumbered 0..n-1, so every routing policy
// skips failed instances without knowing about faults.
#include <optional>
#include <vector>

#include "xpusim/core/error.hpp"
#include "xpusim/policy/routing/router.hpp"
#include "xpusim/workload/request.hpp"

namespace xpusim::systems {

// Contract: `up` lists the instances of `all` that are up, ascending, and stays alive and
// unchanged while the view is used. The cluster that owns the list reports every load change
// of an instance that is up to the router under its position in `up`, and, whenever the list
// changes, every position (Cluster, DisaggregatedCluster), so the view reports its changes and
// indexed routers need not scan it.
class UpInstancesView final : public policy::RoutingView {
 public:
  UpInstancesView(const policy::RoutingView& all, const std::vector<std::size_t>& up)
      : all_(all), up_(up) {}
  std::size_t instance_count() const override { return up_.size(); }
  std::int64_t outstanding(std::size_t i) const override { return all_.outstanding(up_[i]); }
  double kv_used_fraction(std::size_t i) const override { return all_.kv_used_fraction(up_[i]); }
  std::int64_t free_kv_blocks(std::size_t i) const override { return all_.free_kv_blocks(up_[i]); }
  std::int64_t queued_prompt_blocks(std::size_t i) const override {
    return all_.queued_prompt_blocks(up_[i]);
  }
  std::int64_t high_priority_requests(std::size_t i) const override {
    return all_.high_priority_requests(up_[i]);
  }
  policy::InstanceCapacity capacity(std::size_t i) const override { return all_.capacity(up_[i]); }
  bool single_phase() const override { return all_.single_phase(); }
  bool reports_load_changes() const override { return true; }
  std::size_t to_cluster(std::size_t i) const { return up_.at(i); }

 private:
  const policy::RoutingView& all_;
  const std::vector<std::size_t>& up_;
};

// The instance of `all` that `router` picks for `request` among those in `up` (the instances
// that are up, ascending, kept by the cluster); none when `up` is empty (the caller parks the
// request). O(1) besides the router's decision.
inline std::optional<std::size_t> route_among_up(const policy::RoutingView& all,
                                                 const std::vector<std::size_t>& up,
                                                 policy::Router& router,
                                                 const workload::Request& request) {
  if (up.empty()) return std::nullopt;
  const UpInstancesView view(all, up);
  const policy::RouteRequest route{request.prompt_tokens, request.output_tokens, request.tenant,
                                   &request.prefix_hashes};
  const std::size_t pick = router.choose_instance(view, route);
  XPUSIM_CHECK(pick < view.instance_count(), "router chose a non-existent instance");
  return view.to_cluster(pick);
}

}  // namespace xpusim::systems
