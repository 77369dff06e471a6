#pragma once
// What expert offload publishes per iteration (the moe_offload kind's runner and serving's
// ExpertOffloadStage); the report layer implements OffloadObserver.
#include <cstdint>

#include "xpusim/core/time.hpp"

namespace xpusim::systems {

struct OffloadIterationRecord {
  int iteration = 0;
  TimeNs time_ns = 0;
  double tokens = 0;
  std::int64_t activated = 0;  // (layer, expert) pairs with tokens
  std::int64_t hits = 0;       // activated and resident (and ready)
  std::int64_t fetched = 0;    // fetched on demand
  std::int64_t prefetched = 0;
  std::int64_t on_cpu = 0;
  std::int64_t substituted = 0;   // computed by a buddy instead
  std::int64_t routed_pairs = 0;  // token-expert assignments
  std::int64_t substituted_pairs = 0;
  std::int64_t cpu_pairs = 0;  // token-expert assignments computed on the CPU
  // Quality proxy: routing mass (gate scores; 1/top_k per assignment without per-token
  // routing) routed, computed by a buddy, and computed by a buddy weighted by 1 - similarity.
  double routed_mass = 0, substituted_mass = 0, substituted_loss = 0;
  // Busy time of each resource over the iteration's MoE layers (s): expert GEMMs on the GPU,
  // on the CPU (with its launch costs), and copies on the host link.
  double gpu_expert_s = 0, cpu_expert_s = 0, pcie_s = 0;
  // Serving: what the routed experts added to the execution model's estimate (the rest of
  // time_ns is the iteration without them).
  TimeNs added_ns = 0;
};

class OffloadObserver {
 public:
  virtual ~OffloadObserver() = default;
  virtual void on_iteration(const OffloadIterationRecord& record) = 0;
};

}  // namespace xpusim::systems
