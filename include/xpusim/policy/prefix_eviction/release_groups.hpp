#pragma once
// SAE's candidates grouped so that a whole-cache scan is cheap: by (queue, release time), then
// by token type, each class ordered deepest position first. Within one class every factor of
// the SAE score but the position decay is the same (queue weight and reuse probability depend
// on the queue and the idle time, the type weight on the type), and (1 + position)^-beta does
// not grow with position for beta >= 0, so a class's first entry is its lowest-scoring block.
// A victim choice then costs O(groups x types) instead of O(candidates).
#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "xpusim/core/time.hpp"
#include "xpusim/policy/prefix_eviction/eviction_policy.hpp"

namespace xpusim::policy {

class ReleaseGroups {
 public:
  // Ordered deepest first, then by (release order, id): older first among equals.
  using Entry = std::tuple<std::int32_t, std::uint64_t, BlockId>;  // (-position, order, id)
  using GroupKey = std::pair<std::uint8_t, TimeNs>;                 // (queue, released_ns)
  struct Group {
    std::array<std::set<Entry>, workload::kTokenTypes> by_type;
    std::size_t size = 0;
  };

  // Contract: the block is not in the index; `block.queue` and `block.order` are set.
  void add(BlockId id, const CachedBlock& block);
  // Contract: the block is in the index with the fields it was added with.
  void remove(BlockId id, const CachedBlock& block);
  std::size_t size() const { return size_; }
  // fn(group key, type, best entry) for every non-empty class, groups in (queue, time) order.
  template <typename Fn>
  void for_each_best(Fn&& fn) const {
    for (const auto& [key, group] : groups_)
      for (std::size_t t = 0; t < workload::kTokenTypes; ++t)
        if (!group.by_type[t].empty())
          fn(key, static_cast<workload::TokenType>(t), *group.by_type[t].begin());
  }

 private:
  static GroupKey key_of(const CachedBlock& b) { return {b.queue, b.released_ns}; }
  static Entry entry_of(BlockId id, const CachedBlock& b) { return {-b.position, b.order, id}; }

  std::map<GroupKey, Group> groups_;
  std::size_t size_ = 0;
};

}  // namespace xpusim::policy
