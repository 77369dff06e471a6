#pragma once
// A request's state inside a serving instance. Decode progress is stored relative to the
// instance's decode-step counter, so an iteration never has to touch every running sequence.
#include <cstdint>
#include <vector>

#include "xpusim/core/time.hpp"
#include "xpusim/workload/request.hpp"

namespace xpusim::systems {

// HandedOff: prefilled on a prefill-only instance, KV still held until the transfer is done.
// Arrived: its KV came from another instance (hand-off, migration); waits for blocks to resume.
enum class SeqState : std::uint8_t { Free, Waiting, Prefilling, Decoding, Swapped, HandedOff, Arrived };

struct Sequence {
  static constexpr std::uint32_t kNone = UINT32_MAX;

  workload::Request request;
  SeqState state = SeqState::Free;
  std::uint32_t epoch = 0;  // bumped when the sequence leaves decoding, invalidating heap entries
  std::int32_t generated = 0;     // output tokens emitted so far
  std::int64_t prefill_len = 0;   // tokens the current prefill processes
  std::int64_t prefilled = 0;     // of which done
  std::int64_t chunk = 0;         // prompt tokens scheduled in the running iteration
  std::int64_t blocks = 0;        // KV blocks reserved at admission (decoding may grow past it)
  std::int32_t groups_done = 0;   // layered prefill: layer groups the prompt has passed
  std::int64_t join_step = 0;     // instance decode step at which it started decoding
  std::int64_t base_kv = 0;       // tokens in KV when it started decoding
  TimeNs prefill_end_ns = 0;      // when its prefill emitted a token
  TimeNs first_scheduled_ns = -1;
  TimeNs first_token_ns = -1;
  std::int32_t preemptions = 0;
  std::int64_t host_blocks = 0;   // full KV blocks a host copy holds (swap_reuse)
  // Prefix caching (empty / -1 without a cache): keys of its full prompt blocks, the cached
  // blocks it references (a prefix, from block 0; counted in `blocks` too), and the prompt
  // tokens its first admission found cached.
  std::vector<std::uint64_t> block_keys;
  std::vector<std::uint32_t> cached;
  std::int64_t cache_hit_tokens = -1;
  std::uint32_t prev = kNone;  // running list links (admission order)
  std::uint32_t next = kNone;
};

}  // namespace xpusim::systems
