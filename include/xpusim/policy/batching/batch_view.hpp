#pragma once
// What a batching policy sees of a serving instance at an iteration boundary, and what it
// decides. The view is read-only; the instance applies the plan.
#include <cstddef>
#include <cstdint>

namespace xpusim::policy {

// A request waiting for admission (preempted requests first, then arrivals in FCFS order).
struct WaitingInfo {
  std::int64_t prefill_tokens = 0;   // tokens its prefill must process (prompt, or prompt +
                                     // generated tokens after a recompute preemption)
  std::int64_t blocks_needed = 0;    // KV blocks to reserve for that prefill
  std::int64_t max_total_tokens = 0;  // prompt + output: its KV footprint when finished
  std::uint64_t request_id = 0;
  std::int64_t output_tokens = 0;     // of max_total_tokens (predictors perturb it)
};

// A running (admitted) sequence, viewed from the newest.
struct RunningInfo {
  std::int64_t blocks_held = 0;
  bool needs_block_now = false;  // its next decode step cannot run without one more block
  bool prefilling = false;       // its prompt is not fully processed yet
  std::int64_t prefill_remaining = 0;  // prompt tokens still to process (prefilling only)
  std::uint64_t request_id = 0;
  std::int64_t output_tokens = 0;      // the request's whole output (generated or not)
};

class BatchView {
 public:
  virtual ~BatchView() = default;
  virtual std::int64_t total_blocks() const = 0;
  virtual std::int64_t free_blocks() const = 0;
  virtual std::int32_t block_size() const = 0;
  virtual std::size_t running_count() const = 0;
  virtual std::size_t decoding_count() const = 0;  // running sequences past their prefill
  // Blocks the next decode step of every decoding sequence needs beyond what they hold.
  virtual std::int64_t decode_blocks_needed() const = 0;
  // Prompt tokens still to process by running sequences that are mid-prefill (chunked prefill).
  virtual std::int64_t pending_prefill_tokens() const = 0;
  // Prompt tokens already processed by the oldest mid-prefill sequence (0 when none).
  virtual std::int64_t oldest_prefill_progress() const { return 0; }
  // Prompt + output tokens summed over the running sequences: the KV they will hold once every
  // one has generated its whole output (policies that plan by final footprint use it).
  virtual std::int64_t running_final_tokens() const { return 0; }
  virtual std::size_t waiting_count() const = 0;
  virtual WaitingInfo waiting(std::size_t index) const = 0;       // 0 = head of the queue
  virtual RunningInfo newest_running(std::size_t index) const = 0;  // 0 = newest admitted
  // Sequences whose KV was swapped out to host memory, oldest first.
  virtual std::size_t swapped_count() const { return 0; }
  virtual std::int64_t swapped_blocks(std::size_t /*index*/) const { return 0; }
  // Sequences whose KV arrived from another instance (a disaggregated prefill instance's
  // hand-off, a live migration), oldest first, with the blocks each must reserve to resume.
  // Unlike swapped ones they need no host transfer: the fabric already moved their KV.
  virtual std::size_t arrived_count() const { return 0; }
  virtual std::int64_t arrived_blocks(std::size_t /*index*/) const { return 0; }
};

// The policy's decision for one iteration. Applied in this order: preempt, swap in, accept
// arrived KV, admit, run.
struct IterationPlan {
  std::size_t preempt_newest = 0;  // newest running sequences to preempt (KV freed, recompute)
  std::size_t admit = 0;           // waiting sequences to admit from the head (KV reserved)
  bool swap_out = false;           // preempt by swapping KV to host (else recompute)
  std::size_t swap_in = 0;         // swapped sequences to bring back, oldest first; they
                                   // resume decoding in this iteration
  std::size_t accept_arrived = 0;  // arrived sequences to take, oldest first (after swap_in);
                                   // they resume decoding in this iteration
  bool run_decodes = false;        // every decoding sequence emits one token this iteration
  // Most prompt tokens processed this iteration across prefilling sequences, oldest first;
  // kUnlimited = every prefilling sequence processes its whole remaining prompt.
  std::int64_t prefill_token_budget = kUnlimited;
  // Layered prefill: a prefill runs through the model in this many contiguous layer groups, one
  // group per iteration (whole prompt each time); 1 = all layers in one iteration.
  std::int32_t prefill_layer_groups = 1;
  static constexpr std::int64_t kUnlimited = INT64_MAX;

  bool idle() const {
    return !run_decodes && admit == 0 && swap_in == 0 && accept_arrived == 0 &&
           prefill_token_budget == 0;
  }
  void reset() { *this = IterationPlan{}; }
};

}  // namespace xpusim::policy
