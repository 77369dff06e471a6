#pragma once
// A routing view of the instances that are up, renumbered 0..n-1, so every routing policy
// skips failed instances without knowing about faults.
#include <vector>

#include "xpusim/policy/routing/router.hpp"

namespace xpusim::systems {

class UpInstancesView final : public policy::RoutingView {
 public:
  UpInstancesView(const policy::RoutingView& all, std::vector<std::size_t> up)
      : all_(all), up_(std::move(up)) {}
  std::size_t instance_count() const override { return up_.size(); }
  std::int64_t outstanding(std::size_t i) const override { return all_.outstanding(up_[i]); }
  double kv_used_fraction(std::size_t i) const override { return all_.kv_used_fraction(up_[i]); }
  std::size_t to_cluster(std::size_t i) const { return up_.at(i); }

 private:
  const policy::RoutingView& all_;
  std::vector<std::size_t> up_;
};

}  // namespace xpusim::systems
