#include "xpusim/policy/prefix_eviction/ordered_candidates.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"

namespace xpusim::policy {

void OrderedCandidates::grow(BlockId id) {
  if (id < where_.size()) return;
  const std::size_t n = static_cast<std::size_t>(id) + 1;
  prev_.resize(n, kNil);
  next_.resize(n, kNil);
  order_.resize(n, 0);
  where_.resize(n, kNone);
}

void OrderedCandidates::add(BlockId id, std::uint64_t order) {
  grow(id);
  XPUSIM_CHECK(where_[id] == kNone, "eviction candidate added twice");
  order_[id] = order;
  if (tail_ != kNil && !(key_of(tail_) < Key{order, id})) {
    late_.emplace(order, id);  // out of order: the list stays sorted
    where_[id] = kLate;
    return;
  }
  prev_[id] = tail_;
  next_[id] = kNil;
  if (tail_ != kNil) next_[tail_] = id;
  else head_ = id;
  tail_ = id;
  where_[id] = kList;
  ++listed_;
}

bool OrderedCandidates::remove(BlockId id) {
  if (!contains(id)) return false;
  if (where_[id] == kLate) {
    late_.erase(key_of(id));
  } else {
    const BlockId p = prev_[id], n = next_[id];
    if (p != kNil) next_[p] = n;
    else head_ = n;
    if (n != kNil) prev_[n] = p;
    else tail_ = p;
    --listed_;
  }
  where_[id] = kNone;
  return true;
}

OrderedCandidates::Key OrderedCandidates::front() const {
  XPUSIM_CHECK(!empty(), "no eviction candidate");
  if (late_.empty()) return key_of(head_);
  if (head_ == kNil) return *late_.begin();
  return std::min(key_of(head_), *late_.begin());
}

}  // namespace xpusim::policy
