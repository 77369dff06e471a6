#include "xpusim/systems/decode_tracker.hpp"

#include "xpusim/core/error.hpp"

// Decode progress of one serving instance, kept relative to a step counter
// (docs/serving.md, "Parts of a serving instance").
namespace xpusim::systems {

void DecodeTracker::join(std::uint32_t slot, Sequence& q, std::int64_t kv, TimeNs last_token) {
  q.state = SeqState::Decoding;
  q.join_step = step_;
  q.base_kv = kv;
  q.prefill_end_ns = last_token;
  ++n_decoding_;
  kv_sum_ += q.base_kv;
  add_token_group(last_token, 1);
  tenants_.add(q.request.tenant);
  const std::int64_t finish_step = q.join_step + (q.request.output_tokens - q.generated);
  finish_heap_.push({finish_step, slot, q.epoch});
  if (grows(q)) ++full_at_residue_[block_residue(q)];
}

void DecodeTracker::add_token_group(TimeNs last_token, std::int64_t count) {
  for (auto& g : token_groups_)
    if (g.first == last_token) {
      g.second += count;
      return;
    }
  token_groups_.push_back({last_token, count});
}

void DecodeTracker::leave(const Sequence& q) {
  const TimeNs last = last_token_ns(q);
  for (auto it = token_groups_.begin(); it != token_groups_.end(); ++it)
    if (it->first == last) {
      if (--it->second == 0) token_groups_.erase(it);
      break;
    }
  --n_decoding_;
  tenants_.remove(q.request.tenant);
  kv_sum_ -= kv_tokens(q);
  if (grows(q)) --full_at_residue_[block_residue(q)];
}

void DecodeTracker::clear() {
  n_decoding_ = 0;
  tenants_.clear();
  kv_sum_ = 0;
  finish_heap_ = StepHeap();
  std::fill(full_at_residue_.begin(), full_at_residue_.end(), 0);
  token_groups_.clear();
}

const std::vector<std::uint32_t>& DecodeTracker::advance(TimeNs now, const std::vector<Sequence>& seqs) {
  token_groups_.clear();
  ++step_;
  kv_sum_ += n_decoding_;
  last_step_end_ns_ = now;
  if (n_decoding_ > 0) token_groups_.push_back({now, n_decoding_});
  finished_.clear();
  while (!finish_heap_.empty() && finish_heap_.top().step <= step_) {
    const StepEntry e = finish_heap_.top();
    finish_heap_.pop();
    if (seqs[e.seq].epoch == e.epoch) finished_.push_back(e.seq);
  }
  return finished_;
}

void DecodeTracker::check(const std::vector<Sequence>& seqs) const {
  Audit a = audit();
  for (const Sequence& q : seqs) add(a, q);
  check(a);
}

void DecodeTracker::check(const Audit& a) const {
  XPUSIM_CHECK(a.decoding == n_decoding_ && a.kv_sum == kv_sum_ &&
                   a.full_by_residue == full_at_residue_,
               "decode aggregates out of sync");
  XPUSIM_CHECK(tenants_.total() == n_decoding_, "per-tenant decoding counts out of sync");
}

}  // namespace xpusim::systems
