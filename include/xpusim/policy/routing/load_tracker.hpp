#pragma once
// The bookkeeping a load-based router shares: which instances changed since the last decision,
// and a LoadIndex refreshed for just those.
#include <cstddef>
#include <vector>

#include "xpusim/core/error.hpp"
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

  // What a load-based router picks: the index's argmin when `view` reports its changes, else
  // `scan(view)` (the router's linear scan, same ties). In invariant builds every indexed pick
  // is checked against the scan, and every instance's indexed key against the view, so a load
  // change the view failed to report fails whichever run (test or shipped config) meets it.
  template <typename Scan>
  std::size_t choose(const RoutingView& view, Scan scan) {
    if (!view.reports_load_changes()) return scan(view);
    const std::size_t pick = argmin(view);
    if constexpr (kXpusimInvariants) {
      for (std::size_t i = 0; i < view.instance_count(); ++i)
        XPUSIM_CHECK(index_.same_key(i, key_of_(view, i)),
                     "an instance's load changed without being reported to the router");
      XPUSIM_CHECK(pick == scan(view), "the indexed routing pick differs from the linear scan's");
    }
    return pick;
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
