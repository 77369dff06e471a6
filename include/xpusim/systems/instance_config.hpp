#pragma once
// How a serving instance is sized: KV block size and how much device memory the KV cache gets.
#include <cstdint>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/model/execution_model.hpp"

namespace xpusim::systems {

struct InstanceConfig {
  std::int32_t block_size = 16;           // tokens per KV block
  double gpu_memory_utilization = 0.9;    // fraction of device memory the server may use
  double activation_reserve_bytes = 1e9;  // per device, kept for activations and workspace
  std::int64_t kv_blocks = 0;             // explicit KV capacity; 0 = derive from memory
  double swap_space_bytes = 4e9;          // host memory for swapped-out KV, per instance
  std::int64_t swap_block_group = 1;      // blocks per swap transfer
  double swap_transfer_overhead_s = 0;    // setup time of each swap transfer
  bool swap_overlap = false;  // swaps run beside the iteration's compute (FastSwitch)
  bool swap_reuse = false;    // a swap-out copies only blocks the host has no copy of
  // Waiting-queue order: arrival (vLLM) or program (Continuum's program-level FCFS: a turn
  // queues by its session's first arrival, so later turns of earlier programs go first).
  enum class QueueOrder { Arrival, Program };
  QueueOrder queue_order = QueueOrder::Arrival;
  // Priority scheduling (vLLM's --scheduling-policy priority): waiting and swapped requests in
  // (priority, arrival) order, and lower-priority running requests preempted for the first of
  // them when it cannot be admitted. reprioritize_every > 0: every that many iterations each
  // request's priority becomes its tenant's standing under the fairness policy (FastSwitch).
  bool preempt_for_priority = false;
  std::int64_t reprioritize_every = 0;

  // The `instance` section: each key bound to its field (GB and us keys scaled to bytes, s).
  static const ParamBinding<InstanceConfig>& binding();
};

// The weight bytes held over an instance's devices: the model's weights once under tensor
// parallelism; under expert parallelism (placement.expert_parallel = G > 1) each device holds
// every weight but the routed experts, which are split over the G devices,
// G x (weights - routed) + routed; under expert offload the GPU holds every weight but the
// routed experts, and its expert cache.
double placed_weight_bytes(const model::ModelSpec& model, const model::Placement& placement);

// KV blocks that fit: (devices x memory x utilisation - weights - reserves) / bytes per block.
// Throws xpusim::Error when the model's weights do not fit at all.
std::int64_t derive_kv_blocks(const InstanceConfig& config, const model::ModelSpec& model,
                              const model::Placement& placement);

}  // namespace xpusim::systems
