#pragma once
// Eviction candidates ordered by (order, id), oldest first — the queue behind LRU-like
// policies. Candidates nearly always arrive in increasing order (the release counter only
// grows), so those go on an intrusive list indexed by block id: add, remove and front in O(1),
// no allocation. One that arrives out of order (a radix parent freed by its last child's
// eviction, an expired TTL pin) goes to a small ordered set instead; front() and the oldest-first
// walk merge the two. Same order as one std::set<(order, id)> holding every candidate.
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "xpusim/policy/prefix_eviction/eviction_policy.hpp"

namespace xpusim::policy {

class OrderedCandidates {
 public:
  using Key = std::pair<std::uint64_t, BlockId>;  // (order, id)

  // Contract: `id` is not a candidate already.
  void add(BlockId id, std::uint64_t order);
  // Removes `id` if it is a candidate; false otherwise.
  bool remove(BlockId id);
  bool contains(BlockId id) const { return id < where_.size() && where_[id] != kNone; }
  // The oldest candidate's key; requires !empty().
  Key front() const;
  std::size_t size() const { return listed_ + late_.size(); }
  bool empty() const { return size() == 0; }
  // Calls fn(key) for the oldest candidates in order until fn returns false or all were seen.
  template <typename Fn>
  void for_each_oldest(Fn&& fn) const {
    BlockId node = head_;
    auto it = late_.begin();
    while (node != kNil || it != late_.end()) {
      const bool from_list = it == late_.end() || (node != kNil && key_of(node) < *it);
      const Key k = from_list ? key_of(node) : *it;
      if (from_list) node = next_[node];
      else ++it;
      if (!fn(k)) return;
    }
  }

 private:
  static constexpr BlockId kNil = UINT32_MAX;
  static constexpr std::uint8_t kNone = 0, kList = 1, kLate = 2;
  Key key_of(BlockId id) const { return {order_[id], id}; }
  void grow(BlockId id);

  std::vector<BlockId> prev_, next_;
  std::vector<std::uint64_t> order_;
  std::vector<std::uint8_t> where_;
  BlockId head_ = kNil, tail_ = kNil;
  std::size_t listed_ = 0;
  std::set<Key> late_;
};

}  // namespace xpusim::policy
