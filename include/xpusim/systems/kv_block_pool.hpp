#pragma once
// Counts the paged KV cache's blocks. Allocated + free = total always holds; running out is a
// scheduler bug (policies reserve before they allocate), so it is checked, not handled.
#include <cstdint>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

class KvBlockPool {
 public:
  explicit KvBlockPool(std::int64_t total) : total_(total), free_(total) {}
  std::int64_t total() const { return total_; }
  std::int64_t free() const { return free_; }
  std::int64_t allocated() const { return total_ - free_; }
  void allocate(std::int64_t n) {
    XPUSIM_CHECK(n >= 0 && n <= free_, "KV block pool over-allocated");
    free_ -= n;
  }
  void release(std::int64_t n) {
    XPUSIM_CHECK(n >= 0 && free_ + n <= total_, "KV block pool over-released");
    free_ += n;
  }

 private:
  std::int64_t total_;
  std::int64_t free_;
};

}  // namespace xpusim::systems
