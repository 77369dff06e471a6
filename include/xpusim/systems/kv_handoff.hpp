#pragma once
// Prefill–decode disaggregation between serving instances: what a prefill instance hands over
// when a prompt is done, and who it tells. Declared in systems so instances need not know the
// cluster that moves the KV.
#include <cstdint>

#include "xpusim/core/time.hpp"
#include "xpusim/workload/request.hpp"

namespace xpusim::systems {

// What an instance does: both phases (today's servers), or one side of a disaggregated pair.
enum class InstanceRole : std::uint8_t { Colocated, PrefillOnly, DecodeOnly };

// A prefilled sequence on its way from a prefill instance to a decode instance.
struct Handoff {
  workload::Request request;
  std::int32_t generated = 1;        // tokens emitted so far (the prefill's first token)
  std::int64_t kv_tokens = 0;        // tokens whose KV moves (the prefill length)
  std::int64_t blocks = 0;           // KV blocks it holds on the prefill instance until released
  TimeNs first_scheduled_ns = -1;
  TimeNs first_token_ns = -1;
  TimeNs last_token_ns = -1;         // the next token's gap starts here; -1 = first_token_ns
  std::int32_t preemptions = 0;
  std::int64_t cache_hit_tokens = -1;  // prompt tokens the sending side found cached (-1: none)
  int prefill_instance = -1;
  std::uint32_t prefill_slot = 0;    // identifies the held KV for release_handoff()
};

// Told when a prefill-only instance has finished a prompt whose request wants more tokens.
class KvHandoff {
 public:
  virtual ~KvHandoff() = default;
  virtual void on_prefilled(int instance, Handoff&& handoff, TimeNs now) = 0;
  // A decode-only instance finished `request` (its KV covers `kv_tokens` tokens of prompt +
  // output): where the cluster copies generated KV back to a prefill cache, it starts here.
  virtual void on_decoded(int /*instance*/, const workload::Request& /*request*/,
                          std::int64_t /*kv_tokens*/, TimeNs /*now*/) {}
};

}  // namespace xpusim::systems
