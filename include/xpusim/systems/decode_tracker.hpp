#pragma once
// A serving instance's decode tracker: which sequences decode, how far, and who finishes when.
//
// Contract: DecodeTracker keeps the decode aggregates of one instance incrementally, so a decode
// step costs O(sequences that finish or cross a block boundary), not O(decoding sequences). A
// sequence's progress is relative to the step counter (Sequence::join_step, base_kv): it joins
// once (after its prefill, a swap-in or an arrival) and leaves once (finish, preemption,
// hand-off, migration; the caller bumps its epoch, which makes its heap entry stale). After each
// decode step, advance() returns the slots of the sequences that emitted their last token, in
// a fixed order (step, then slot), without calling anyone back: the iteration loop finishes
// them. It owns no sequence and no block; it reads the sequences it is handed.
//
// Invariants (check): the count, the KV token sum, the per-residue block demand and the
// per-tenant counts equal what a walk over the decoding sequences gives.
#include <algorithm>
#include <cstdint>
#include <queue>
#include <utility>
#include <vector>

#include "xpusim/core/time.hpp"
#include "xpusim/systems/sequence.hpp"
#include "xpusim/systems/tenant_decode_counts.hpp"

namespace xpusim::systems {

class DecodeTracker {
 public:
  explicit DecodeTracker(std::int32_t block_size)
      : block_size_(block_size), full_at_residue_(static_cast<std::size_t>(block_size), 0) {}

  // ---- aggregates ----
  std::int64_t steps() const { return step_; }  // decode steps completed
  std::int64_t decoding() const { return n_decoding_; }
  std::int64_t kv_sum() const { return kv_sum_; }  // KV tokens over decoding sequences
  // Blocks the next step needs: one for every decoding sequence whose held blocks are full.
  std::int64_t blocks_needed() const {
    return full_at_residue_[static_cast<std::size_t>(step_ % block_size_)];
  }
  const TenantDecodeCounts& tenants() const { return tenants_; }
  // (time of a group of decoding sequences' last token, how many): one entry per iteration
  // since the last decode step, so a step publishes its token gaps in a few groups.
  const std::vector<std::pair<TimeNs, std::int64_t>>& token_groups() const { return token_groups_; }

  // ---- one sequence (progress relative to the step counter) ----
  std::int64_t kv_tokens(const Sequence& q) const { return q.base_kv + (step_ - q.join_step); }
  // Output tokens emitted so far, counting the steps it decoded.
  std::int32_t generated(const Sequence& q) const {
    return q.generated + static_cast<std::int32_t>(step_ - q.join_step);
  }
  // A decoding sequence holds exactly the blocks its KV fills; others hold what was reserved.
  std::int64_t blocks_held(const Sequence& q) const {
    return q.state == SeqState::Decoding ? std::max(q.blocks, blocks_for(kv_tokens(q))) : q.blocks;
  }
  // Whether a decoding sequence's reservation ever runs out (paged policies) or not (Orca).
  bool grows(const Sequence& q) const {
    return q.blocks * block_size_ < std::int64_t{q.request.prompt_tokens} + q.request.output_tokens;
  }
  bool needs_block_now(const Sequence& q) const {
    return grows(q) && kv_tokens(q) >= q.blocks * block_size_ && kv_tokens(q) % block_size_ == 0;
  }
  TimeNs last_token_ns(const Sequence& q) const {
    if (q.state != SeqState::Decoding) return q.prefill_end_ns;
    return step_ > q.join_step ? last_step_end_ns_ : q.prefill_end_ns;
  }

  // ---- membership ----
  // Sequence `slot` starts decoding with `kv` tokens stored and its last token emitted at
  // `last_token` (after a prefill, now; after a swap-in or an arrival, before it left).
  void join(std::uint32_t slot, Sequence& q, std::int64_t kv, TimeNs last_token);
  // A decoding sequence leaves (before its epoch is bumped).
  void leave(const Sequence& q);
  // Forgets every sequence (the instance failed); the step counter goes on.
  void clear();

  // ---- the step ----
  // A decode step ended at `now`: every decoding sequence emitted one token. Returns the slots
  // of those that emitted their last one (valid until the next call); `seqs` tells stale heap
  // entries (epoch moved on) from live ones.
  const std::vector<std::uint32_t>& advance(TimeNs now, const std::vector<Sequence>& seqs);

  // Checks the aggregates against a walk over the decoding sequences among `seqs`.
  void check(const std::vector<Sequence>& seqs) const;
  // The same, fed by a walk the caller makes anyway (one pass over the running list): add()
  // every running sequence to an audit, then check() it.
  struct Audit {
    std::int64_t decoding = 0;
    std::int64_t kv_sum = 0;
    std::vector<std::int64_t> full_by_residue;
  };
  Audit audit() const { return Audit{0, 0, std::vector<std::int64_t>(full_at_residue_.size(), 0)}; }
  void add(Audit& a, const Sequence& q) const {
    if (q.state != SeqState::Decoding) return;
    ++a.decoding;
    a.kv_sum += kv_tokens(q);
    if (grows(q)) ++a.full_by_residue[block_residue(q)];
  }
  void check(const Audit& a) const;

 private:
  struct StepEntry {  // min-heap entry: `seq` emits its last token at decode step `step`
    std::int64_t step;
    std::uint32_t seq;
    std::uint32_t epoch;
    bool operator>(const StepEntry& o) const {
      return step > o.step || (step == o.step && seq > o.seq);
    }
  };
  using StepHeap = std::priority_queue<StepEntry, std::vector<StepEntry>, std::greater<>>;
  std::int64_t blocks_for(std::int64_t tokens) const {
    return (tokens + block_size_ - 1) / block_size_;
  }
  // Decode steps at which a sequence's blocks are full recur every block_size steps; the
  // residue of that step modulo block_size is fixed when it starts decoding.
  std::size_t block_residue(const Sequence& q) const {
    const std::int64_t r = (q.join_step - q.base_kv) % block_size_;
    return static_cast<std::size_t>(r < 0 ? r + block_size_ : r);
  }
  void add_token_group(TimeNs last_token, std::int64_t count);

  std::int32_t block_size_;
  std::int64_t step_ = 0;
  std::int64_t n_decoding_ = 0;
  std::int64_t kv_sum_ = 0;
  StepHeap finish_heap_;  // step after which a sequence has emitted all its tokens
  // Decoding sequences by block_residue(): those whose blocks are full at step s are the ones
  // counted at s % block_size, so a step's block demand is one lookup.
  std::vector<std::int64_t> full_at_residue_;
  std::vector<std::pair<TimeNs, std::int64_t>> token_groups_;
  TimeNs last_step_end_ns_ = 0;
  TenantDecodeCounts tenants_;
  std::vector<std::uint32_t> finished_;  // advance()'s result, reused
};

}  // namespace xpusim::systems
