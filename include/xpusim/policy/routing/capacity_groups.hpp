#pragma once
// The least loaded instance of each group of equal capacity, kept up to date in O(log n) per
// changed instance: what a router whose score depends on the request as well as on the
// instance (phase_aware) uses instead of a linear scan when the view reports its changes.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "xpusim/policy/routing/load_index.hpp"
#include "xpusim/policy/routing/router.hpp"

namespace xpusim::policy {

// Instances are grouped by equal capacity (both rates exactly equal); within a group a
// LoadIndex keyed on outstanding gives the fewest outstanding, ties to the lowest index. A
// score that, for a fixed request, is strictly increasing in outstanding among equal-capacity
// instances is then least at one of these group leaders, so a router compares one candidate
// per group: O(groups) per decision, and groups are the cluster's hardware kinds.
// Contract: as LoadTracker's — every change since the previous refresh() was reported through
// mark_changed(); a reported instance whose capacity no longer matches its group (the view was
// renumbered) rebuilds the groups, as does a change of the instance count.
class CapacityGroups {
 public:
  struct Leader {
    std::size_t instance = 0;         // index in the view
    std::int64_t outstanding = 0;     // its outstanding requests
    InstanceCapacity capacity;        // the group's capacity
  };

  void mark_changed(std::size_t i);
  // Applies the reported changes (or rebuilds) and returns one leader per group, groups in the
  // order of their lowest index. Precondition: view.instance_count() >= 1.
  const std::vector<Leader>& refresh(const RoutingView& view);
  // Every instance's indexed outstanding and group capacity equal the view's (for the
  // invariant checks; O(n)). Call after refresh().
  bool consistent(const RoutingView& view) const;

 private:
  struct Group {
    InstanceCapacity capacity;
    std::vector<std::size_t> members;  // view indices, ascending
    LoadIndex<std::int64_t> index;     // over members, by position
  };
  void rebuild(const RoutingView& view);
  static bool same(const InstanceCapacity& a, const InstanceCapacity& b) {
    return a.prefill_tokens_per_s == b.prefill_tokens_per_s &&
           a.decode_steps_per_s == b.decode_steps_per_s;
  }

  std::vector<Group> groups_;
  std::vector<std::size_t> group_of_, position_;  // per view index
  std::vector<Leader> leaders_;
  std::vector<std::size_t> changed_;
  std::vector<bool> changed_flag_;
};

}  // namespace xpusim::policy
