#pragma once
// A hash map from 64-bit keys to small values for hot lookup paths (the prefix cache's block
// index and its remembered evictions): open addressing with linear probing in one flat array,
// deletion by backward shift (no tombstones), so a find, insert or erase touches a cache line or
// two and never allocates except when the table doubles. Contract: lookups only — it has no
// iteration, so its layout can never reach an output. Any 64-bit key is allowed (0 too).
#include <cstdint>
#include <utility>
#include <vector>

namespace xpusim {

template <typename V>
class KeyMap {
 public:
  explicit KeyMap(std::size_t expected = 16) { rehash(capacity_for(expected)); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool contains(std::uint64_t key) const { return find(key) != nullptr; }

  // The value stored for `key`, or nullptr.
  const V* find(std::uint64_t key) const {
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (!e.used) return nullptr;
      if (e.key == key) return &e.value;
    }
  }
  V* find(std::uint64_t key) {
    return const_cast<V*>(static_cast<const KeyMap&>(*this).find(key));
  }

  // A hint that `key` is looked up soon: loops over many keys start the memory access early.
  void prefetch(std::uint64_t key) const { __builtin_prefetch(&entries_[home(key)]); }

  // Inserts key -> value unless `key` is present; returns its value and whether it was added.
  std::pair<V*, bool> insert(std::uint64_t key, const V& value) {
    if ((size_ + 1) * 2 > entries_.size()) rehash(entries_.size() * 2);
    std::size_t i = home(key);
    for (; entries_[i].used; i = (i + 1) & mask_)
      if (entries_[i].key == key) return {&entries_[i].value, false};
    entries_[i] = Entry{key, value, true};
    ++size_;
    return {&entries_[i].value, true};
  }
  // Sets key -> value, whether or not `key` was present.
  void assign(std::uint64_t key, const V& value) {
    auto [slot, added] = insert(key, value);
    if (!added) *slot = value;
  }

  // Removes `key`; false if it was absent.
  bool erase(std::uint64_t key) {
    std::size_t i = home(key);
    for (;; i = (i + 1) & mask_) {
      if (!entries_[i].used) return false;
      if (entries_[i].key == key) break;
    }
    // Backward shift: pull later entries of the probe run into the hole while their home
    // position allows, so every remaining key stays reachable from its home without tombstones.
    for (std::size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      if (!entries_[j].used) break;
      const std::size_t h = home(entries_[j].key);
      // Entry j may move to i unless its home lies cyclically in (i, j].
      const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
      if (stays) continue;
      entries_[i] = entries_[j];
      i = j;
    }
    entries_[i].used = false;
    --size_;
    return true;
  }

  void clear() {
    for (Entry& e : entries_) e.used = false;
    size_ = 0;
  }

 private:
  struct Entry {
    std::uint64_t key = 0;
    V value{};
    bool used = false;
  };

  static std::size_t capacity_for(std::size_t n) {
    std::size_t c = 16;
    while (c < 2 * n) c *= 2;
    return c;
  }
  // Fibonacci hashing: the top bits of key * 2^64/phi, good for sequential keys too.
  std::size_t home(std::uint64_t key) const {
    return static_cast<std::size_t>((key * 0x9e3779b97f4a7c15ULL) >> shift_);
  }
  void rehash(std::size_t capacity) {
    std::vector<Entry> old = std::move(entries_);
    entries_.assign(capacity, Entry{});
    mask_ = capacity - 1;
    shift_ = 64;
    for (std::size_t c = capacity; c > 1; c >>= 1) --shift_;
    size_ = 0;
    for (const Entry& e : old)
      if (e.used) insert(e.key, e.value);
  }

  std::vector<Entry> entries_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::size_t size_ = 0;
};

}  // namespace xpusim
