#pragma once
// A hand-made instance state for testing batching policies alone.
#include <vector>

#include "xpusim/policy/batching/batch_view.hpp"

namespace xpusim::policy::testing {

struct FakeBatchView : BatchView {
  std::int64_t total = 1000, free = 1000;
  std::int32_t bs = 16;
  std::vector<WaitingInfo> waiting_q;
  std::vector<RunningInfo> running;  // index 0 = oldest
  std::int64_t pending_prefill = 0;
  std::vector<std::int64_t> swapped;  // blocks of each swapped-out sequence, oldest first
  std::int64_t running_final = 0;     // prompt + output tokens over the running sequences

  std::int64_t total_blocks() const override { return total; }
  std::int64_t free_blocks() const override { return free; }
  std::int32_t block_size() const override { return bs; }
  std::size_t running_count() const override { return running.size(); }
  std::size_t decoding_count() const override {
    std::size_t n = 0;
    for (auto& r : running) n += !r.prefilling;
    return n;
  }
  std::int64_t decode_blocks_needed() const override {
    std::int64_t n = 0;
    for (auto& r : running) n += (!r.prefilling && r.needs_block_now);
    return n;
  }
  std::int64_t pending_prefill_tokens() const override { return pending_prefill; }
  std::int64_t running_final_tokens() const override { return running_final; }
  std::size_t waiting_count() const override { return waiting_q.size(); }
  WaitingInfo waiting(std::size_t i) const override { return waiting_q.at(i); }
  RunningInfo newest_running(std::size_t i) const override {
    return running.at(running.size() - 1 - i);
  }
  std::size_t swapped_count() const override { return swapped.size(); }
  std::int64_t swapped_blocks(std::size_t i) const override { return swapped.at(i); }
  void add_waiting(std::int64_t tokens) {
    waiting_q.push_back({tokens, (tokens + bs - 1) / bs, tokens + 100});
  }
};

}  // namespace xpusim::policy::testing
