#include "xpusim/policy/flow_scheduling/igpu_continuous.hpp"

#include <algorithm>

namespace xpusim::policy {

const ParamBinding<IgpuContinuousConfig>& IgpuContinuousScheduler::binding() {
  using C = IgpuContinuousConfig;
  static const auto b =
      ParamBinding<C>()
          .integer(XPUSIM_KEY(C, prefill_chunk_tokens), "tokens",
                   "prompt tokens prefilled per iteration (llama.cpp's physical batch n_ubatch, "
                   "default 512)",
                   {.min = 1, .max = 1 << 20})
          .integer(XPUSIM_KEY(C, max_batch), "flows",
                   "slots: most flows decoding together; a new turn's prefill starts only while "
                   "fewer flows are decoding",
                   {.min = 1, .max = 4096});
  return b;
}

FlowDecision IgpuContinuousScheduler::decide(const FlowView& view) {
  FlowDecision d;
  if (view.engine_busy(hw::EngineKind::Igpu)) return d;
  // One iteration at a time, run to its end: continue the open one.
  if (const TaskState* t = first_paused(view, [](const TaskState&) { return true; })) {
    d.run.push_back({t->id, {{hw::EngineKind::Igpu, 1.0}}});
    return d;
  }
  for (const TaskState& t : view.tasks())
    if (t.running) return d;
  // Class-blind FCFS over ready() = (turn arrival, id) order.
  std::vector<int> decode;
  const ReadyFlow* prefill = nullptr;
  int decoding = 0;
  for (const ReadyFlow& f : view.ready()) {
    if (f.stage == Stage::Decode) {
      ++decoding;
      if (static_cast<int>(decode.size()) < config_.max_batch) decode.push_back(f.id);
    } else if (!prefill) {
      prefill = &f;
    }
  }
  const bool can_prefill = prefill && decoding < config_.max_batch;
  Stage next;
  if (can_prefill && !decode.empty())
    next = last_opened_ == Stage::Prefill ? Stage::Decode : Stage::Prefill;
  else if (can_prefill)
    next = Stage::Prefill;
  else if (!decode.empty())
    next = Stage::Decode;
  else
    return d;
  if (next == Stage::Prefill)
    d.open.push_back({Stage::Prefill,
                      {prefill->id},
                      std::min(prefill->tokens_left, config_.prefill_chunk_tokens)});
  else
    d.open.push_back({Stage::Decode, std::move(decode), 0});
  last_opened_ = next;
  return d;
}

}  // namespace xpusim::policy
