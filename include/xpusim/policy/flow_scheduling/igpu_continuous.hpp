#pragma once
// Baseline: an iGPU-only engine with continuous batching (llama.cpp server / IPEX-LLM style, the
// strongest iGPU-only setup a practitioner would run). Everything runs on the iGPU, one iteration
// at a time, class-blind: every decode iteration carries the oldest decoding flows (up to
// max_batch, the engine's slots), and a new turn's prompt is prefilled in chunks of
// prefill_chunk_tokens only while a slot is free. When both prefill and decode work wait, the
// engine alternates a prefill chunk and a decode step, the two-iteration equivalent of
// llama.cpp's mixed batch (all decode tokens plus one prompt chunk). No NPU, no priority for
// reactive flows, no preemption across flows (an open iteration always runs to its end).
#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/flow_scheduling/flow_scheduler.hpp"

namespace xpusim::policy {

struct IgpuContinuousConfig {
  std::int64_t prefill_chunk_tokens = 512;  // llama.cpp n_ubatch default (common/common.h)
  int max_batch = 8;                        // slots; as agent_xpu's max_decode_batch
};

class IgpuContinuousScheduler final : public FlowScheduler {
 public:
  explicit IgpuContinuousScheduler(IgpuContinuousConfig config) : config_(config) {}
  static const ParamBinding<IgpuContinuousConfig>& binding();
  // Stateful only in which stage it opened last (the alternation); deterministic.
  FlowDecision decide(const FlowView& view) override;

 private:
  IgpuContinuousConfig config_;
  Stage last_opened_ = Stage::Decode;
};

}  // namespace xpusim::policy
