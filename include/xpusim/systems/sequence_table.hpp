#pragma once
// A serving instance's sequence table: every request it holds, by slot, and the queues they
// wait in.
//
// Contract: SequenceTable owns the sequence slots (reused; a slot's epoch moves on whenever it
// is freed or reused, so a (slot, epoch) pair taken earlier tells whether it still means the
// same sequence), the running set (admission order, oldest first, walked from the newest), the
// waiting queue (in the fairness policy's order), the prefilling queue (admitted, prompt not
// done, oldest first), the swapped queue (KV on the host) and the arrived queue (KV from
// another instance). It moves slots between them as told and knows nothing of blocks or decode
// progress; freed slots are reused last-freed first, so slot numbers (and the ties they break)
// are the same on every run.
//
// Invariants (check): the running list's links and count agree and hold only Prefilling or
// Decoding sequences; running_final_tokens() is the sum of prompt + output tokens over the
// running list; swapped and arrived queues hold only Swapped and Arrived ones.
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "xpusim/core/error.hpp"
#include "xpusim/policy/fairness/fairness_policy.hpp"
#include "xpusim/systems/sequence.hpp"
#include "xpusim/systems/waiting_queue.hpp"

namespace xpusim::systems {

class SequenceTable {
 public:
  explicit SequenceTable(std::unique_ptr<policy::FairnessPolicy> fairness)
      : waiting_(std::move(fairness)) {}

  Sequence& operator[](std::uint32_t s) { return seqs_[s]; }
  const Sequence& operator[](std::uint32_t s) const { return seqs_[s]; }
  std::size_t size() const { return seqs_.size(); }
  std::vector<Sequence>& slots() { return seqs_; }
  const std::vector<Sequence>& slots() const { return seqs_; }

  // A new Waiting sequence for `request` in a free slot (not queued anywhere yet).
  std::uint32_t create(workload::Request request);
  // Frees slot `s`: state Free, epoch moved on, its request's prefix data dropped.
  void release(std::uint32_t s);
  // Forgets every sequence (the instance failed): every slot free, epochs moved on.
  void clear();

  // ---- queues ----
  WaitingQueue& waiting() { return waiting_; }
  const WaitingQueue& waiting() const { return waiting_; }
  std::deque<std::uint32_t>& prefilling() { return prefilling_; }
  const std::deque<std::uint32_t>& prefilling() const { return prefilling_; }
  std::deque<std::uint32_t>& swapped() { return swapped_; }
  const std::deque<std::uint32_t>& swapped() const { return swapped_; }
  std::deque<std::uint32_t>& arrived() { return arrived_; }
  const std::deque<std::uint32_t>& arrived() const { return arrived_; }

  // ---- the running set, in admission order ----
  std::size_t running_count() const { return running_count_; }
  // Prompt + output tokens summed over the running sequences: the KV they will hold when all
  // have finished (Equinox's adaptive batching bounds it).
  std::int64_t running_final_tokens() const { return running_final_tokens_; }
  std::uint32_t oldest_running() const { return running_head_; }  // kNone when empty
  std::uint32_t newest_running() const { return running_tail_; }
  // Slot of the `i`-th newest running sequence (0 = newest); walks on from the last call.
  std::uint32_t newest_running(std::size_t i) const;
  void link_running(std::uint32_t s);
  void unlink_running(std::uint32_t s);

  // Checks the invariants above; `visit` sees every running sequence once, oldest first, so
  // the caller's own checks need no second walk.
  template <class Visit>
  void check(Visit&& visit) const {
    std::size_t count = 0;
    std::int64_t final_tokens = 0;
    std::uint32_t prev = Sequence::kNone;
    for (std::uint32_t s = running_head_; s != Sequence::kNone; s = seqs_[s].next) {
      const Sequence& q = seqs_[s];
      XPUSIM_CHECK(q.state == SeqState::Decoding || q.state == SeqState::Prefilling,
                   "running list holds a sequence that is not running");
      XPUSIM_CHECK(q.prev == prev, "running list links out of sync");
      visit(q);
      final_tokens += final_tokens_of(q);
      prev = s;
      ++count;
    }
    XPUSIM_CHECK(prev == running_tail_, "running list tail out of sync");
    XPUSIM_CHECK(count == running_count_, "running count out of sync");
    XPUSIM_CHECK(final_tokens == running_final_tokens_, "running final tokens out of sync");
    check_queues();
  }
  void check() const {
    check([](const Sequence&) {});
  }

 private:
  void check_queues() const;
  static std::int64_t final_tokens_of(const Sequence& q) {
    return std::int64_t{q.request.prompt_tokens} + q.request.output_tokens;
  }

  std::vector<Sequence> seqs_;  // pool; freed slots are reused
  std::vector<std::uint32_t> free_seqs_;
  WaitingQueue waiting_;
  std::deque<std::uint32_t> prefilling_;
  std::deque<std::uint32_t> swapped_;
  std::deque<std::uint32_t> arrived_;
  std::uint32_t running_head_ = Sequence::kNone;  // oldest admitted
  std::uint32_t running_tail_ = Sequence::kNone;  // newest admitted
  std::size_t running_count_ = 0;
  std::int64_t running_final_tokens_ = 0;
  mutable std::uint32_t cursor_seq_ = Sequence::kNone;  // newest_running(i) walk cache
  mutable std::size_t cursor_index_ = 0;
};

}  // namespace xpusim::systems
