#include "xpusim/policy/prefix_eviction/release_groups.hpp"

#include "xpusim/core/error.hpp"

namespace xpusim::policy {

void ReleaseGroups::add(BlockId id, const CachedBlock& b) {
  Group& g = groups_[key_of(b)];
  const bool inserted = g.by_type[static_cast<std::size_t>(b.type)].insert(entry_of(id, b)).second;
  XPUSIM_CHECK(inserted, "SAE release groups: block added twice");
  ++g.size;
  ++size_;
}

void ReleaseGroups::remove(BlockId id, const CachedBlock& b) {
  const auto it = groups_.find(key_of(b));
  XPUSIM_CHECK(it != groups_.end(), "SAE release groups: removing a block never added");
  Group& g = it->second;
  const auto erased = g.by_type[static_cast<std::size_t>(b.type)].erase(entry_of(id, b));
  XPUSIM_CHECK(erased == 1, "SAE release groups: removing a block never added");
  --size_;
  if (--g.size == 0) groups_.erase(it);
}

}  // namespace xpusim::policy
