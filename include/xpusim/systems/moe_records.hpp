#pragma once
// What the expert-parallel runner publishes: one record per MoE layer pass and per step. The
// report layer implements MoeObserver (systems never compute metrics).
#include <cstdint>

#include "xpusim/core/time.hpp"

namespace xpusim::systems {

struct MoeLayerRecord {
  int step = 0;
  int micro_batch = 0;
  int layer = 0;  // MoE layer index (0 = first MoE layer)
  bool backward = false;
  double max_gpu_tokens = 0;  // token-expert assignments computed by the busiest GPU
  double mean_gpu_tokens = 0;
  TimeNs time_ns = 0;           // dense part + dispatch + slowest GPU's experts + combine
  TimeNs ideal_ns = 0;          // the same layer with every GPU equally loaded
  TimeNs all_to_all_ns = 0;     // dispatch + combine
  double all_to_all_bytes = 0;  // bytes that crossed between GPUs (dispatch + combine)
};

struct MoeStepRecord {
  int step = 0;
  TimeNs start_ns = 0;
  TimeNs time_ns = 0;            // wall time of the step, weight moves included
  TimeNs ideal_ns = 0;           // every layer perfectly balanced, no weight moves
  TimeNs weight_move_ns = 0;     // exposed (not overlapped) time spent moving expert weights
  double weight_move_bytes = 0;  // expert weights (and their gradients) copied between GPUs
  double tokens = 0;             // tokens the step processed
  bool placed = false;           // serving: a batch-level placement ran before this iteration
};

class MoeObserver {
 public:
  virtual ~MoeObserver() = default;
  virtual void on_layer(const MoeLayerRecord& record) = 0;
  virtual void on_step(const MoeStepRecord& record) = 0;
};

}  // namespace xpusim::systems
