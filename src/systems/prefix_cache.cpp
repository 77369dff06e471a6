#include "xpusim/systems/prefix_cache.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

namespace {

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// h_i = H(h_{i-1}, content_i): equal keys mean equal content and equal prefix.
std::uint64_t chain(std::uint64_t previous, std::uint64_t content) {
  return splitmix(previous ^ splitmix(content));
}

}  // namespace

PrefixCache::PrefixCache(Config config, Wiring wiring)
    : config_(config),
      instance_(wiring.instance),
      policy_(std::move(wiring.policy)),
      observer_(wiring.observer) {
  XPUSIM_CHECK(policy_ != nullptr, "prefix cache needs an eviction policy");
  XPUSIM_CHECK(config_.block_size > 0 && config_.id_tokens > 0, "prefix cache needs block sizes");
  XPUSIM_CHECK(config_.ghost_capacity <= UINT32_MAX, "prefix cache remembers too many evictions");
}

// The unit holding token `t` of the stream prompt + output: a prompt token's unit is a
// prefix_hashes entry, a generated token's an output_hashes entry (the prompt's partial last
// unit is both: as the prompt ended, and with output after it). False when the source has none.
bool PrefixCache::unit_of(const workload::Request& r, std::int64_t t, Unit& out) const {
  const std::int64_t p = config_.id_tokens;
  std::size_t k = 0;
  const std::vector<std::uint64_t>* hashes = &r.prefix_hashes;
  const std::vector<workload::TokenType>* types = &r.prefix_types;
  if (t < r.prompt_tokens) {
    k = static_cast<std::size_t>(t / p);
  } else {
    k = static_cast<std::size_t>(t / p - r.prompt_tokens / p);
    hashes = &r.output_hashes;
    types = &r.output_types;
  }
  if (k >= hashes->size()) return false;
  out.hash = (*hashes)[k];
  out.type = k < types->size() ? (*types)[k] : workload::TokenType::Unknown;
  return true;
}

std::vector<std::uint64_t> PrefixCache::block_keys(const workload::Request& r) const {
  return block_keys(r, r.prompt_tokens);
}

std::vector<std::uint64_t> PrefixCache::block_keys(const workload::Request& r, std::int64_t tokens) const {
  std::vector<std::uint64_t> keys;
  const std::int64_t b = config_.block_size, p = config_.id_tokens;
  std::uint64_t h = 0x6a09e667f3bcc908ULL;  // the chain's seed (vLLM's NONE_HASH, fixed here)
  Unit unit;
  for (std::int64_t i = 0; (i + 1) * b <= tokens; ++i) {
    // A block is identified by the hash unit holding its last token and the offset in it;
    // chaining carries every earlier unit, so the whole block content is accounted for.
    const std::int64_t last = (i + 1) * b - 1;
    if (!unit_of(r, last, unit)) break;
    h = chain(h, chain(unit.hash, static_cast<std::uint64_t>(last % p)));
    keys.push_back(h);
  }
  return keys;
}

std::int64_t PrefixCache::match(const std::vector<std::uint64_t>& keys, std::int64_t max_blocks) const {
  std::int64_t n = 0;
  const auto limit = std::min<std::int64_t>(max_blocks, static_cast<std::int64_t>(keys.size()));
  prefetch(keys, 0, limit);
  while (n < limit) {
    step(keys, n, limit);
    if (!index_.contains(keys[static_cast<std::size_t>(n)])) break;
    ++n;
  }
  return n;
}

// A long prompt's index lookups are independent of each other: a loop over keys [i, n) starts
// key i + kPrefetchAhead's lookup at key i, so the cache misses of several lookups overlap.
// prefetch(keys, from, n) starts keys [from, from + kPrefetchAhead) clipped to n; step(keys, i,
// n) the one key i + kPrefetchAhead.
void PrefixCache::prefetch(const std::vector<std::uint64_t>& keys, std::int64_t from, std::int64_t n) const {
  for (std::int64_t j = from, end = std::min(n, from + kPrefetchAhead); j < end; ++j)
    index_.prefetch(keys[static_cast<std::size_t>(j)]);
}

void PrefixCache::step(const std::vector<std::uint64_t>& keys, std::int64_t i, std::int64_t n) const {
  if (i + kPrefetchAhead < n) index_.prefetch(keys[static_cast<std::size_t>(i + kPrefetchAhead)]);
}

policy::BlockId PrefixCache::cached_id(std::uint64_t key) const {
  const policy::BlockId* id = index_.find(key);
  XPUSIM_CHECK(id != nullptr, "prefix cache asked for a block it does not hold");
  return *id;
}

std::int64_t PrefixCache::referenced_among(const std::vector<std::uint64_t>& keys, std::int64_t n) const {
  std::int64_t referenced = 0;
  for (std::int64_t i = 0; i < n; ++i)
    referenced += slots_[cached_id(keys[static_cast<std::size_t>(i)])].refs > 0 ? 1 : 0;
  return referenced;
}

void PrefixCache::make_candidate(policy::BlockId id, TimeNs now) {
  Slot& s = slots_[id];
  s.candidate = true;
  ++candidates_;
  policy_->on_candidate(id, s.meta, now);
}

void PrefixCache::withdraw(policy::BlockId id) {
  Slot& s = slots_[id];
  if (!s.candidate) return;
  s.candidate = false;
  --candidates_;
  policy_->on_withdrawn(id, s.meta);
}

// One more reference; an unreferenced block leaves the free count.
void PrefixCache::reference(policy::BlockId id, KvBlockPool& pool) {
  Slot& s = slots_[id];
  if (s.refs == 0) {
    withdraw(id);
    pool.allocate(1);
    --unreferenced_;
  }
  ++s.refs;
  ++references_;
}

void PrefixCache::acquire(const std::vector<std::uint64_t>& keys, std::int64_t n,
                          std::vector<policy::BlockId>& held, KvBlockPool& pool,
                          const Lookup& lookup, TimeNs now) {
  XPUSIM_CHECK(held.empty(), "a sequence acquires its cached prefix once per admission");
  prefetch(keys, 0, n);
  for (std::int64_t i = 0; i < n; ++i) {
    step(keys, i, n);
    const policy::BlockId id = cached_id(keys[static_cast<std::size_t>(i)]);
    reference(id, pool);
    Slot& s = slots_[id];
    ++s.meta.hits;
    policy_->on_touch(id, s.meta, now);
    s.meta.last_access_ns = now;
    held.push_back(id);
  }
  const std::int64_t found = n + lookup.host_hit_blocks;
  if (found < static_cast<std::int64_t>(keys.size())) check_regret(keys[static_cast<std::size_t>(found)], now);
  PrefixLookupRecord r;
  r.request_id = lookup.request_id;
  r.instance = instance_;
  r.now = now;
  r.prompt_tokens = lookup.prompt_tokens;
  r.prompt_blocks = static_cast<std::int64_t>(keys.size());
  r.hit_blocks = found;
  r.hit_tokens = found * config_.block_size;
  r.host_hit_blocks = lookup.host_hit_blocks;
  r.readmission = lookup.readmission;
  observer_.on_prefix_lookup(r);
}

policy::BlockId PrefixCache::new_slot() {
  if (!free_slots_.empty()) {
    const policy::BlockId id = free_slots_.back();
    free_slots_.pop_back();
    return id;
  }
  slots_.emplace_back();
  return static_cast<policy::BlockId>(slots_.size() - 1);
}

void PrefixCache::hold(const std::vector<std::uint64_t>& keys, std::int64_t n,
                       std::vector<policy::BlockId>& held, KvBlockPool& pool) {
  XPUSIM_CHECK(held.empty(), "a holder takes its cached prefix once");
  for (std::int64_t i = 0; i < n; ++i) {
    const policy::BlockId id = cached_id(keys[static_cast<std::size_t>(i)]);
    reference(id, pool);
    held.push_back(id);
  }
}

void PrefixCache::insert(const std::vector<std::uint64_t>& keys, std::int64_t upto,
                         const workload::Request& request, std::vector<policy::BlockId>& held,
                         KvBlockPool& pool, TimeNs now) {
  upto = std::min<std::int64_t>(upto, static_cast<std::int64_t>(keys.size()));
  prefetch(keys, static_cast<std::int64_t>(held.size()), upto);
  for (auto i = static_cast<std::int64_t>(held.size()); i < upto; ++i) {
    step(keys, i, upto);
    const std::uint64_t key = keys[static_cast<std::size_t>(i)];
    const auto [entry, added] = index_.insert(key, kNoBlock);
    if (!added) {
      // Computed twice concurrently: share the cached copy, free our own.
      reference(*entry, pool);
      pool.release(1);
      held.push_back(*entry);
      continue;
    }
    const policy::BlockId id = new_slot();
    *entry = id;
    Slot& s = slots_[id];
    s = Slot{};
    s.used = true;
    s.key = key;
    s.refs = 1;
    ++references_;
    s.parent = held.empty() ? kNoBlock : held.back();
    if (config_.structure == Structure::Radix && s.parent != kNoBlock) ++slots_[s.parent].children;
    Unit unit;
    s.meta.type = unit_of(request, (i + 1) * config_.block_size - 1, unit) ? unit.type
                                                                          : workload::TokenType::Unknown;
    s.meta.position = static_cast<std::int32_t>(i);
    s.meta.session = request.session;
    s.meta.inserted_ns = s.meta.last_access_ns = now;
    policy_->on_insert(id, s.meta, now);
    held.push_back(id);
  }
}

void PrefixCache::release(std::vector<policy::BlockId>& held, KvBlockPool& pool, TimeNs now,
                          bool followup, std::int32_t tool) {
  for (auto it = held.rbegin(); it != held.rend(); ++it) {
    Slot& s = slots_[*it];
    XPUSIM_CHECK(s.refs > 0, "prefix cache block released more often than referenced");
    --references_;
    if (--s.refs > 0) continue;
    pool.release(1);
    ++unreferenced_;
    s.meta.released_ns = s.meta.last_access_ns = now;
    s.meta.release_order = ++release_counter_;
    s.meta.followup = followup;
    s.meta.tool = followup ? tool : -1;
    if (eligible(s)) make_candidate(*it, now);
  }
  held.clear();
}

void PrefixCache::evict_to(std::int64_t free_blocks, TimeNs now) {
  const std::int64_t before = evictions_;
  if (config_.structure == Structure::Radix) {
    // An eviction may make its parent a candidate, which the next choice must see.
    while (unreferenced_ > free_blocks) drop(take_victim(now), now);
  } else if (unreferenced_ > free_blocks) {
    evict_batch(unreferenced_ - free_blocks, now);
  }
  if (evictions_ != before && spdlog::should_log(spdlog::level::debug))
    spdlog::debug("prefix cache: instance {} evicted {} blocks (policy's choice; {} cached blocks "
                  "left unreferenced) (t={} ns)",
                  instance_, evictions_ - before, unreferenced_, now);
}

void PrefixCache::lose_all() {
  for (policy::BlockId id = 0; id < slots_.size(); ++id)
    if (slots_[id].used) withdraw(id);
  slots_.clear();
  free_slots_.clear();
  index_.clear();
  unreferenced_ = references_ = candidates_ = 0;
  ghosts_.clear();
  ghost_order_.clear();
  ghost_next_ = 0;
  host_.clear();
  host_lru_.clear();
}

policy::BlockId PrefixCache::take_victim(TimeNs now) {
  XPUSIM_CHECK(policy_->candidates() > 0, "prefix cache must evict but has no candidate");
  const policy::BlockId id = policy_->victim(*this, now);
  const Slot& s = slots_[id];
  XPUSIM_CHECK(s.used && s.candidate && s.refs == 0, "eviction policy chose a block it may not evict");
  withdraw(id);
  return id;
}

// Hashed: dropping a block makes no other block a candidate and tells the policy nothing, so
// choosing all n victims first gives the same victims in the same order as choosing and dropping
// one at a time; the drops' index and ghost updates then overlap their cache misses.
void PrefixCache::evict_batch(std::int64_t n, TimeNs now) {
  victims_.clear();
  for (std::int64_t i = 0; i < n; ++i) victims_.push_back(take_victim(now));
  const std::size_t ahead = static_cast<std::size_t>(kPrefetchAhead);
  for (std::size_t i = 0; i < victims_.size(); ++i) {
    if (i == 0)
      for (std::size_t j = 0; j < std::min(ahead, victims_.size()); ++j) prefetch_drop(victims_[j], j);
    if (i + ahead < victims_.size()) prefetch_drop(victims_[i + ahead], ahead);
    drop(victims_[i], now);
  }
}

// Starts the memory accesses of the drop `later` drops from now: its index entry, its ghost
// entry and, once the ring is full, the entry of the ghost it will push out.
void PrefixCache::prefetch_drop(policy::BlockId id, std::size_t later) const {
  index_.prefetch(slots_[id].key);
  if (config_.ghost_capacity == 0) return;
  ghosts_.prefetch(slots_[id].key);
  if (ghost_order_.size() == config_.ghost_capacity)
    ghosts_.prefetch(ghost_order_[(ghost_next_ + later) % ghost_order_.size()].key);
}

// The victim (withdrawn already) leaves the cache.
void PrefixCache::drop(policy::BlockId id, TimeNs now) {
  Slot& s = slots_[id];
  index_.erase(s.key);
  --unreferenced_;
  ++evictions_;
  remember_evicted(s, now);
  if (has_host_tier()) demote(s);
  observer_.on_prefix_eviction({instance_, now, s.meta.type, now - s.meta.released_ns, has_host_tier()});
  const policy::BlockId parent = s.parent;
  s.used = false;
  free_slots_.push_back(id);
  if (config_.structure == Structure::Radix && parent != kNoBlock) {
    Slot& p = slots_[parent];
    --p.children;
    if (eligible(p)) make_candidate(parent, now);
  }
}

std::int64_t PrefixCache::match_host(const std::vector<std::uint64_t>& keys, std::int64_t from,
                                     std::int64_t max_blocks) const {
  if (!has_host_tier()) return 0;
  std::int64_t n = from;
  const auto limit = std::min<std::int64_t>(max_blocks, static_cast<std::int64_t>(keys.size()));
  while (n < limit && host_.contains(keys[static_cast<std::size_t>(n)])) ++n;
  return n - from;
}

void PrefixCache::take_from_host(const std::vector<std::uint64_t>& keys, std::int64_t from, std::int64_t n) {
  for (std::int64_t i = from; i < from + n; ++i) {
    const std::uint64_t key = keys[static_cast<std::size_t>(i)];
    const std::uint64_t* order = host_.find(key);
    XPUSIM_CHECK(order != nullptr, "promoting a block the host tier does not hold");
    host_lru_.erase({*order, key});
    host_.erase(key);
  }
}

// The evicted block's KV is copied to host memory (asynchronously: not timed, see
// docs/prefix-cache.md); the host tier drops its least recently demoted block when full.
void PrefixCache::demote(const Slot& s) {
  if (const std::uint64_t* order = host_.find(s.key)) host_lru_.erase({*order, s.key});
  host_.assign(s.key, ++host_counter_);
  host_lru_.emplace(host_counter_, s.key);
  while (static_cast<std::int64_t>(host_.size()) > config_.host_blocks) {
    host_.erase(host_lru_.begin()->second);
    host_lru_.erase(host_lru_.begin());
  }
}

void PrefixCache::remember_evicted(const Slot& s, TimeNs now) {
  if (config_.ghost_capacity == 0) return;
  const Ghost ghost{s.key, {s.meta.type, s.meta.position, s.meta.session, now, s.meta.queue}};
  if (ghost_order_.size() < config_.ghost_capacity) {
    ghosts_.assign(s.key, static_cast<std::uint32_t>(ghost_order_.size()));
    ghost_order_.push_back(ghost);
    return;
  }
  // Full: the oldest key is forgotten and its place in the ring takes the new one. A key evicted
  // twice is forgotten at its first expiry (even when that is the key just remembered).
  ghosts_.assign(s.key, static_cast<std::uint32_t>(ghost_next_));
  ghosts_.erase(ghost_order_[ghost_next_].key);
  ghost_order_[ghost_next_] = ghost;
  ghost_next_ = (ghost_next_ + 1) % ghost_order_.size();
}

void PrefixCache::check_regret(std::uint64_t key, TimeNs now) {
  const std::uint32_t* at = ghosts_.find(key);
  if (at == nullptr) return;
  policy_->on_regret(ghost_order_[*at].info, now);
  observer_.on_prefix_regret(instance_, now);
  ghosts_.erase(key);
}

void PrefixCache::check_invariants(std::int64_t total_references) const {
  XPUSIM_CHECK(references_ == total_references, "prefix cache references != blocks sequences hold");
  XPUSIM_CHECK(candidates_ >= 0 && static_cast<std::size_t>(candidates_) == policy_->candidates(),
               "eviction policy's candidates out of sync with the cache");
  XPUSIM_CHECK(candidates_ <= unreferenced_ && unreferenced_ <= cached_blocks(),
               "prefix cache candidates exceed its unreferenced blocks");
  XPUSIM_CHECK(unreferenced_ == 0 || candidates_ > 0,
               "unreferenced cached blocks but no eviction candidate");
}

void PrefixCache::check_blocks() const {
  std::int64_t refs = 0, unreferenced = 0, candidates = 0, used = 0;
  for (const Slot& s : slots_) {
    if (!s.used) continue;
    ++used;
    refs += s.refs;
    if (s.refs == 0) ++unreferenced;
    if (s.candidate) ++candidates;
    XPUSIM_CHECK(s.candidate == eligible(s), "prefix cache candidate flag out of sync");
  }
  XPUSIM_CHECK(used == cached_blocks(), "prefix cache index out of sync with its blocks");
  XPUSIM_CHECK(refs == references_, "prefix cache reference total out of sync");
  XPUSIM_CHECK(unreferenced == unreferenced_, "prefix cache unreferenced count out of sync");
  XPUSIM_CHECK(static_cast<std::size_t>(candidates) == policy_->candidates(),
               "eviction policy's candidates out of sync with the cache");
}

}  // namespace xpusim::systems
