#pragma once
// The instances of a pool that are up, ascending, and each one's position among them: the
// numbering routing uses while an instance is down (UpInstancesView). Kept by the cluster and
// rebuilt only when an instance fails or recovers, so routing around a failure costs nothing
// per request beyond the router's own decision.
#include <cstddef>
#include <vector>

namespace xpusim::systems {

class UpInstances {
 public:
  static constexpr std::size_t kDown = static_cast<std::size_t>(-1);

  // Rebuilds the list from `is_down` over instances 0..count-1; O(count).
  template <typename IsDown>
  void renumber(std::size_t count, IsDown is_down) {
    list_.clear();
    position_.assign(count, kDown);
    for (std::size_t i = 0; i < count; ++i)
      if (!is_down(i)) {
        position_[i] = list_.size();
        list_.push_back(i);
      }
  }
  // The instances that are up, ascending.
  const std::vector<std::size_t>& list() const { return list_; }
  // Instance i's position in list(), kDown when it is down (or i was not counted).
  std::size_t position(std::size_t i) const { return i < position_.size() ? position_[i] : kDown; }

 private:
  std::vector<std::size_t> list_;
  std::vector<std::size_t> position_;
};

}  // namespace xpusim::systems
