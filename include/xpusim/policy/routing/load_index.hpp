#pragma once
// The instance with the least load key, kept up to date in O(log n) per changed instance: what
// load-based routers use instead of a linear scan when the view reports its changes.
#include <cstddef>
#include <vector>

namespace xpusim::policy {

// A tournament tree over n keys: node v holds the index of the least key in its subtree, ties to
// the lower index, so argmin() is exactly what a scan keeping the first strict minimum returns.
// Contract: `Key` is totally ordered by operator<; set() and build() are the only writers.
template <typename Key>
class LoadIndex {
 public:
  // Replaces every key (n = keys.size(), n >= 1).
  void build(std::vector<Key> keys) {
    keys_ = std::move(keys);
    leaves_ = 1;
    while (leaves_ < keys_.size()) leaves_ *= 2;
    tree_.assign(2 * leaves_, kNone);
    for (std::size_t i = 0; i < keys_.size(); ++i) tree_[leaves_ + i] = i;
    for (std::size_t v = leaves_ - 1; v >= 1; --v) tree_[v] = better(tree_[2 * v], tree_[2 * v + 1]);
  }
  std::size_t size() const { return keys_.size(); }
  // Changes instance i's key; O(log n), O(1) when it is unchanged.
  void set(std::size_t i, const Key& key) {
    if (same_key(i, key)) return;  // the tree depends on the keys only
    keys_[i] = key;
    for (std::size_t v = (leaves_ + i) / 2; v >= 1; v /= 2)
      tree_[v] = better(tree_[2 * v], tree_[2 * v + 1]);
  }
  const Key& key(std::size_t i) const { return keys_[i]; }
  // Instance i's key is equivalent to `key` (neither is less).
  bool same_key(std::size_t i, const Key& key) const { return !(key < keys_[i]) && !(keys_[i] < key); }
  // The index of the least key, lowest index on ties; O(1). Precondition: size() >= 1.
  std::size_t argmin() const { return leaves_ == 1 ? 0 : tree_[1]; }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t better(std::size_t a, std::size_t b) const {
    if (a == kNone) return b;
    if (b == kNone) return a;
    // a < b always (left subtree first): b wins only when strictly smaller.
    return keys_[b] < keys_[a] ? b : a;
  }

  std::vector<Key> keys_;
  std::vector<std::size_t> tree_;  // 1-based heap layout; leaves at [leaves_, 2 * leaves_)
  std::size_t leaves_ = 1;
};

}  // namespace xpusim::policy
