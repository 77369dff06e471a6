#pragma once
// The bookkeeping a load-based router shares: which instances changed since the last decision,
// and a LoadIndex refreshed for just those.
#include <cstddef>
#include <vector>

#include "xpusim/policy/routing/load_index.hpp"
#include "xpusim/policy/routing/router.hpp"

namespace xpusim::policy {

// Contract: `KeyOf` maps (view, instance) to the router's Key; argmin(view) equals the linear
// scan's first strict minimum of KeyOf over every instance, as long as every change since the
// previous call was reported through mark_changed() (RoutingView::reports_load_changes()).
template <typename Key, typename KeyOf>
class LoadTracker {
 public:
  explicit LoadTracker(KeyOf key_of) : key_of_(key_of) {}

  void mark_changed(std::size_t i) {
    if (i >= changed_flag_.size()) changed_flag_.resize(i + 1, false);
    if (changed_flag_[i]) return;
    changed_flag_[i] = true;
    changed_.push_back(i);
  }

  std::size_t argmin(const RoutingView& view) {
    const std::size_t n = view.instance_count();
    if (index_.size() != n) {
      std::vector<Key> keys;
      keys.reserve(n);
      for (std::size_t i = 0; i < n; ++i) keys.push_back(key_of_(view, i));
      index_.build(std::move(keys));
    } else {
      for (const std::size_t i : changed_)
        if (i < n) index_.set(i, key_of_(view, i));
    }
    for (const std::size_t i : changed_) changed_flag_[i] = false;
    changed_.clear();
    return index_.argmin();
  }

 private:
  KeyOf key_of_;
  LoadIndex<Key> index_;
  std::vector<std::size_t> changed_;
  std::vector<bool> changed_flag_;
};

}  // namespace xpusim::policy
