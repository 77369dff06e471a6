#pragma once
// What the moe_offload kind's runner and serving's ExpertOffloadStage share: every MoE layer's
// GPU expert cache, the host link's timeline, and the timing of one layer pass under an offload
// policy (docs/moe.md, "Offload"). One implementation for both kinds.
//
// A layer pass: the non-expert part runs on the GPU first; then the policy's decision runs on
// three timelines. GPU: experts in the policy's order, a fetched one after its PCIe copy, a
// prefetched one once its copy has landed. PCIe: copies one after another, demand fetches before
// the next layer's prefetches. CPU: a launch cost once, then its experts one after another. The
// layer ends when GPU and CPU are both done; times are absolute seconds, so the link's
// timeline carries over from layer to layer and iteration to iteration.
#include <cstdint>
#include <span>
#include <vector>

#include "xpusim/policy/expert_offload/expert_offload_policy.hpp"
#include "xpusim/systems/offload_cost_model.hpp"
#include "xpusim/systems/offload_records.hpp"
#include "xpusim/workload/routing_source.hpp"

namespace xpusim::systems {

class OffloadLayers {
 public:
  // `capacity` experts per layer in the GPU cache (0..experts). `warm`: the experts each
  // layer's cache starts with (at most `capacity` each); empty = every layer's lowest-numbered.
  OffloadLayers(int layers, int experts, int capacity, int top_k,
                const std::vector<std::vector<int>>& warm = {});
  int layers() const { return static_cast<int>(cached_.size()); }
  int capacity() const { return capacity_; }
  bool resident(int layer, int expert) const { return cached_[layer][expert]; }
  std::uint64_t layer_passes() const { return layer_passes_; }

  // One pass of MoE layer `layer` whose non-expert part starts at `start` (s) and takes
  // `dense_s`; `tokens` per expert; `routes` the draw's per-token routing (null: counts only).
  // Returns the time the layer ends; adds its counts and busy times to `rec`.
  double run_layer(int layer, std::span<const std::int64_t> tokens, double start, double dense_s,
                   bool prefill, const OffloadCostModel& cost, policy::ExpertOffloadPolicy& policy,
                   OffloadIterationRecord& rec, const workload::TokenRoutes* routes = nullptr);

 private:
  // Puts `expert` in the layer's cache, evicting the policy's victim when full (never one of
  // `keep`); gives up when every resident expert is kept.
  void insert(int layer, int expert, double ready_at, const std::vector<bool>& keep,
              policy::ExpertOffloadPolicy& policy);
  // Counts the layer's activated experts into `rec` and runs the CPU's share of them from
  // `t0`; returns when the CPU is done (`t0` when it has none).
  double cpu_pass(std::span<const std::int64_t> tokens, const policy::OffloadDecision& d, double t0,
                  const OffloadCostModel& cost, OffloadIterationRecord& rec);
  // Adds the layer's routing mass, and the substituted share of it, to `rec` (quality proxy).
  void count_mass(const policy::OffloadLayerView& view, const policy::OffloadDecision& d,
                  OffloadIterationRecord& rec) const;
  // One copy on the host link, queued behind the link's earlier copies and not before `t0`;
  // returns when it lands.
  double copy(double t0, const OffloadCostModel& cost, OffloadIterationRecord& rec);

  int capacity_, top_k_;
  std::vector<std::vector<bool>> cached_;      // [layer][expert]
  std::vector<std::vector<double>> ready_at_;  // [layer][expert] time the copy lands (s)
  double pcie_free_ = 0;                       // the host link is busy until then (s)
  std::uint64_t layer_passes_ = 0;
};

// Each layer's `capacity` experts with the most routed tokens over `iterations` draws of
// `routing` (ties: lowest index): the profiled warm start (cache.warm_start: profiled). Draws
// are next() when `tokens` is 0, else next_sized(tokens, top_k).
std::vector<std::vector<int>> hottest_experts(workload::RoutingSource& routing, int iterations,
                                              int capacity, std::int64_t tokens = 0, int top_k = 1);

}  // namespace xpusim::systems
