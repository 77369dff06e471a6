#include "xpusim/policy/routing/capacity_groups.hpp"

#include <map>
#include <utility>

namespace xpusim::policy {

void CapacityGroups::mark_changed(std::size_t i) {
  if (i >= changed_flag_.size()) changed_flag_.resize(i + 1, false);
  if (changed_flag_[i]) return;
  changed_flag_[i] = true;
  changed_.push_back(i);
}

void CapacityGroups::rebuild(const RoutingView& view) {
  const std::size_t n = view.instance_count();
  groups_.clear();
  group_of_.assign(n, 0);
  position_.assign(n, 0);
  std::map<std::pair<double, double>, std::size_t> by_capacity;
  for (std::size_t i = 0; i < n; ++i) {
    const InstanceCapacity c = view.capacity(i);
    const auto [it, added] =
        by_capacity.emplace(std::make_pair(c.prefill_tokens_per_s, c.decode_steps_per_s), groups_.size());
    if (added) groups_.push_back(Group{c, {}, {}});
    Group& g = groups_[it->second];
    group_of_[i] = it->second;
    position_[i] = g.members.size();
    g.members.push_back(i);
  }
  for (Group& g : groups_) {
    std::vector<std::int64_t> keys;
    keys.reserve(g.members.size());
    for (const std::size_t i : g.members) keys.push_back(view.outstanding(i));
    g.index.build(std::move(keys));
  }
}

const std::vector<CapacityGroups::Leader>& CapacityGroups::refresh(const RoutingView& view) {
  const std::size_t n = view.instance_count();
  bool stale = group_of_.size() != n;
  for (const std::size_t i : changed_) {
    if (stale || i >= n) continue;
    Group& g = groups_[group_of_[i]];
    if (!same(g.capacity, view.capacity(i))) {
      stale = true;  // renumbered: another instance now has this index
      continue;
    }
    g.index.set(position_[i], view.outstanding(i));
  }
  for (const std::size_t i : changed_) changed_flag_[i] = false;
  changed_.clear();
  if (stale) rebuild(view);
  leaders_.clear();
  for (const Group& g : groups_) {
    const std::size_t p = g.index.argmin();
    leaders_.push_back(Leader{g.members[p], g.index.key(p), g.capacity});
  }
  return leaders_;
}

bool CapacityGroups::consistent(const RoutingView& view) const {
  if (group_of_.size() != view.instance_count()) return false;
  for (std::size_t i = 0; i < group_of_.size(); ++i) {
    const Group& g = groups_[group_of_[i]];
    if (!same(g.capacity, view.capacity(i)) || g.members[position_[i]] != i ||
        g.index.key(position_[i]) != view.outstanding(i))
      return false;
  }
  return true;
}

}  // namespace xpusim::policy
