#pragma once
// How many decoding sequences each tenant has, so a decode step's tokens can be attributed to
// tenants in O(tenants with decoding sequences), not O(sequences).
#include <cstdint>
#include <vector>

namespace xpusim::systems {

class TenantDecodeCounts {
 public:
  void add(std::int32_t tenant) {
    const auto t = static_cast<std::size_t>(tenant);
    if (t >= count_.size()) {
      count_.resize(t + 1, 0);
      slot_.resize(t + 1, -1);
    }
    if (count_[t]++ == 0) {
      slot_[t] = static_cast<std::int64_t>(active_.size());
      active_.push_back(tenant);
    }
  }
  void remove(std::int32_t tenant) {
    const auto t = static_cast<std::size_t>(tenant);
    if (--count_[t] > 0) return;
    // Swap-remove: the order of active_ follows the event order, so it is deterministic.
    const auto i = static_cast<std::size_t>(slot_[t]);
    active_[i] = active_.back();
    slot_[static_cast<std::size_t>(active_[i])] = static_cast<std::int64_t>(i);
    active_.pop_back();
    slot_[t] = -1;
  }
  // Every tenant back to zero (the instance failed and forgot its requests).
  void clear() {
    for (const std::int32_t t : active_) {
      count_[static_cast<std::size_t>(t)] = 0;
      slot_[static_cast<std::size_t>(t)] = -1;
    }
    active_.clear();
  }
  std::int64_t total() const {
    std::int64_t n = 0;
    for (const std::int32_t t : active_) n += count_[static_cast<std::size_t>(t)];
    return n;
  }
  // Calls fn(tenant, decoding sequences) for every tenant with at least one.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (const std::int32_t t : active_) fn(t, count_[static_cast<std::size_t>(t)]);
  }

 private:
  std::vector<std::int64_t> count_;
  std::vector<std::int64_t> slot_;
  std::vector<std::int32_t> active_;
};

}  // namespace xpusim::systems
