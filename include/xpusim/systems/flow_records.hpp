#pragma once
// What the SoC runtime publishes about agent flows; report implements the observer.
#include <cstdint>

#include "xpusim/core/time.hpp"
#include "xpusim/workload/agent_flow.hpp"

namespace xpusim::systems {

struct TurnRecord {
  int flow = 0;
  workload::FlowClass cls = workload::FlowClass::Reactive;
  int turn = 0;
  std::int64_t prompt_tokens = 0;
  std::int64_t output_tokens = 0;
  TimeNs ready_ns = 0;        // the turn's prompt arrived
  TimeNs first_token_ns = 0;  // its last prefill chunk finished
  TimeNs done_ns = 0;         // its last output token was produced
};

class FlowObserver {
 public:
  virtual ~FlowObserver() = default;
  // `tokens` output tokens of a flow of class `cls` were produced at `now`.
  virtual void on_tokens(workload::FlowClass cls, std::int64_t tokens, TimeNs now) = 0;
  virtual void on_turn_done(const TurnRecord& record) = 0;
};

}  // namespace xpusim::systems
