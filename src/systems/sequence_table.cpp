#include "xpusim/systems/sequence_table.hpp"

#include <type_traits>

#include "xpusim/core/error.hpp"

// Slots and queues of one serving instance (docs/serving.md, "Parts of a serving instance").
namespace xpusim::systems {

std::uint32_t SequenceTable::create(workload::Request request) {
  std::uint32_t s;
  if (!free_seqs_.empty()) {
    s = free_seqs_.back();
    free_seqs_.pop_back();
  } else {
    s = static_cast<std::uint32_t>(seqs_.size());
    seqs_.emplace_back();
  }
  Sequence& q = seqs_[s];
  const std::uint32_t epoch = q.epoch + 1;
  q = Sequence{};
  q.epoch = epoch;
  q.request = std::move(request);
  q.state = SeqState::Waiting;
  q.prefill_len = q.request.prompt_tokens;
  return s;
}

void SequenceTable::release(std::uint32_t s) {
  Sequence& q = seqs_[s];
  q.state = SeqState::Free;
  ++q.epoch;
  // A free slot holds no per-request vectors (a long trace would otherwise keep the largest
  // prompt's hashes alive in every slot until it is reused).
  // (`v = {}` would keep the capacity: it assigns an empty initializer list.)
  const auto free_vector = [](auto& v) { std::remove_reference_t<decltype(v)>().swap(v); };
  free_vector(q.request.prefix_hashes);
  free_vector(q.request.prefix_types);
  free_vector(q.request.output_hashes);
  free_vector(q.request.output_types);
  free_vector(q.block_keys);
  free_seqs_.push_back(s);
}

void SequenceTable::clear() {
  // Epochs move on so that no stale (slot, epoch) can match a reused slot.
  free_seqs_.clear();
  for (std::uint32_t s = static_cast<std::uint32_t>(seqs_.size()); s-- > 0;) {
    Sequence& q = seqs_[s];
    const std::uint32_t epoch = q.epoch + 1;
    q = Sequence{};
    q.epoch = epoch;
    free_seqs_.push_back(s);
  }
  waiting_.clear();
  prefilling_.clear();
  swapped_.clear();
  arrived_.clear();
  running_head_ = running_tail_ = Sequence::kNone;
  running_count_ = 0;
  running_final_tokens_ = 0;
  cursor_seq_ = Sequence::kNone;
  cursor_index_ = 0;
}

std::uint32_t SequenceTable::newest_running(std::size_t i) const {
  XPUSIM_CHECK(i < running_count_, "newest_running index out of range");
  // Policies walk from the newest; continue from the last position instead of restarting.
  if (cursor_seq_ == Sequence::kNone || i < cursor_index_) {
    cursor_seq_ = running_tail_;
    cursor_index_ = 0;
  }
  while (cursor_index_ < i) {
    cursor_seq_ = seqs_[cursor_seq_].prev;
    ++cursor_index_;
  }
  return cursor_seq_;
}

void SequenceTable::link_running(std::uint32_t s) {
  Sequence& q = seqs_[s];
  q.prev = running_tail_;
  q.next = Sequence::kNone;
  if (running_tail_ != Sequence::kNone) seqs_[running_tail_].next = s;
  else running_head_ = s;
  running_tail_ = s;
  ++running_count_;
  running_final_tokens_ += final_tokens_of(q);
  cursor_seq_ = Sequence::kNone;
}

void SequenceTable::unlink_running(std::uint32_t s) {
  Sequence& q = seqs_[s];
  if (q.prev != Sequence::kNone) seqs_[q.prev].next = q.next;
  else running_head_ = q.next;
  if (q.next != Sequence::kNone) seqs_[q.next].prev = q.prev;
  else running_tail_ = q.prev;
  q.prev = q.next = Sequence::kNone;
  --running_count_;
  running_final_tokens_ -= final_tokens_of(q);
  cursor_seq_ = Sequence::kNone;
}

void SequenceTable::check_queues() const {
  for (const std::uint32_t s : swapped_)
    XPUSIM_CHECK(seqs_[s].state == SeqState::Swapped, "swapped queue holds a sequence not swapped");
  for (const std::uint32_t s : arrived_)
    XPUSIM_CHECK(seqs_[s].state == SeqState::Arrived, "arrived queue holds a sequence not arrived");
  XPUSIM_CHECK(waiting_.consistent(), "waiting queue's per-tenant counts out of sync");
}

}  // namespace xpusim::systems
