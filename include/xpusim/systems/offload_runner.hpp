#pragma once
// MoE inference with experts offloaded to CPU memory: one GPU holds the dense weights and, per
// MoE layer, a cache of `capacity` experts; the rest live in host DRAM. Each layer's activated
// experts run from the cache, after a PCIe fetch, or on the CPU, as the offload policy decides;
// GPU, CPU and the PCIe link are three timelines, and a layer ends when its GPU and CPU work
// both end (docs/moe.md).
#include <cstdint>
#include <vector>

#include "xpusim/policy/expert_offload/expert_offload_policy.hpp"
#include "xpusim/systems/moe_cost_model.hpp"
#include "xpusim/workload/routing_source.hpp"

namespace xpusim::systems {

struct CpuSpec {
  double flops = 1e12;  // achieved bf16 FLOP/s of the expert kernel
  double memory_bw_bytes_per_s = 200e9;
  double launch_s = 100e-6;  // once per layer that uses the CPU
};

// The simulated hardware's times, which the policy also plans with.
class OffloadCostModel final : public policy::OffloadTimes {
 public:
  OffloadCostModel(const model::ModelSpec& model, const hw::DeviceSpec& device, CpuSpec cpu,
                   double pcie_bw_bytes_per_s, double pcie_latency_s, bool prefill, int seq_len);
  double gpu_seconds(std::int64_t tokens) const override;
  double cpu_seconds(std::int64_t tokens) const override;
  double fetch_seconds() const override;
  double cpu_start_seconds() const override { return cpu_.launch_s; }
  double dense_seconds(double tokens) const { return gpu_.dense_seconds(tokens); }

 private:
  MoeCostModel gpu_;
  CpuSpec cpu_;
  double pcie_bw_, pcie_latency_, expert_bytes_, flops_per_token_;
};

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
};

class OffloadObserver {
 public:
  virtual ~OffloadObserver() = default;
  virtual void on_iteration(const OffloadIterationRecord& record) = 0;
};

struct OffloadRunConfig {
  bool prefill = false;
  int iterations = 10;
  double tokens_per_iteration = 1;
  int capacity = 1;  // experts per layer in the GPU cache
  int top_k = 1;
  double horizon_s = 0;  // stop starting iterations once simulated time reaches this
  // Experts each layer's cache starts with (at most `capacity` each); empty = every layer's
  // lowest-numbered experts.
  std::vector<std::vector<int>> warm;
};

class OffloadRunner {
 public:
  OffloadRunner(OffloadRunConfig config, const OffloadCostModel& cost,
                workload::RoutingSource& routing, policy::ExpertOffloadPolicy& policy,
                OffloadObserver& observer);
  TimeNs run();
  int iterations_done() const { return done_; }
  std::uint64_t layer_passes() const { return layer_passes_; }
  bool resident(int layer, int expert) const { return cached_[layer][expert]; }

 private:
  double run_layer(int layer, const std::vector<std::int64_t>& tokens, double start,
                   OffloadIterationRecord& rec);
  void insert(int layer, int expert, double ready_at, const std::vector<bool>& keep);

  OffloadRunConfig config_;
  const OffloadCostModel& cost_;
  workload::RoutingSource& routing_;
  policy::ExpertOffloadPolicy& policy_;
  OffloadObserver& observer_;
  std::vector<std::vector<bool>> cached_;      // [layer][expert]
  std::vector<std::vector<double>> ready_at_;  // [layer][expert] time the copy lands (s)
  double pcie_free_ = 0;                       // the host link is busy until then (s)
  double now_ = 0;
  int done_ = 0;
  std::uint64_t layer_passes_ = 0;
};

}  // namespace xpusim::systems
