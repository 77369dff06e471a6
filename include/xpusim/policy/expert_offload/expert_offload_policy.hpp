#pragma once
// Expert offload family: "where does each activated expert of this layer run — on the GPU from
// its expert cache, on the GPU after a PCIe fetch, or on the CPU — and which cached expert goes
// when the cache is full?" For MoE inference whose experts do not all fit in GPU memory.
#include <cstdint>
#include <span>
#include <vector>

#include "xpusim/core/catalog.hpp"

namespace xpusim::policy {

// Times the policy may plan with (the simulated hardware's, in seconds).
class OffloadTimes {
 public:
  virtual ~OffloadTimes() = default;
  virtual double gpu_seconds(std::int64_t tokens) const = 0;  // one expert on the GPU
  virtual double cpu_seconds(std::int64_t tokens) const = 0;  // one expert on the CPU
  virtual double fetch_seconds() const = 0;                   // one expert over PCIe
  virtual double cpu_start_seconds() const = 0;  // once per layer that runs any expert on the CPU
};

// One MoE layer of one iteration, as the policy sees it.
struct OffloadLayerView {
  int layer = 0;
  int layers = 0;
  int top_k = 1;
  bool prefill = false;
  std::span<const std::int64_t> tokens;  // per expert, tokens routed to it
  const std::vector<bool>& cached;       // per expert, resident in this layer's GPU cache
  int capacity = 0;                      // experts this layer's cache holds
  const OffloadTimes& times;
  const std::vector<bool>* next_cached = nullptr;  // the next layer's cache (null: last layer)
  // Per-token routing of this layer when the routing source models it (workload::TokenRoutes,
  // token t's j-th expert at t * top_k + j, with its gate score); empty for counts-only sources.
  std::span<const int> token_experts = {};
  std::span<const double> token_scores = {};
};

enum class ExpertRun : std::uint8_t { Gpu, FetchThenGpu, Cpu, Substitute };

struct OffloadDecision {
  std::vector<ExpertRun> run;      // per expert (ignored for experts without tokens)
  std::vector<int> substitute;     // per expert: the cached expert that computes it instead
  std::vector<int> gpu_order;      // GPU queue: experts in the order the GPU runs them
  std::vector<int> prefetch_next;  // experts of the next layer to load while this one runs
  bool cache_fetched = true;       // fetched experts enter the cache (false: streamed, dropped)
  // Per substituted expert: how similar its buddy is, in [0, 1] (the quality proxy weighs the
  // substituted routing mass by 1 - similarity); empty = 0 for every substitute.
  std::vector<double> similarity;
};

class ExpertOffloadPolicy {
 public:
  virtual ~ExpertOffloadPolicy() = default;
  // Where every activated expert of this layer runs; also what to prefetch for the next layer.
  virtual OffloadDecision schedule(const OffloadLayerView& view) = 0;
  // Which resident expert of `layer` leaves to make room (cache full); never one in `keep`.
  virtual int victim(int layer, const std::vector<bool>& cached, const std::vector<bool>& keep) = 0;
  // Bookkeeping after the layer ran (recency, scores).
  virtual void on_layer_done(const OffloadLayerView& view) = 0;
};

using ExpertOffloadCatalog = Catalog<ExpertOffloadPolicy>;

void register_expert_offload_policies(ExpertOffloadCatalog& catalog);

// The lowest-indexed resident expert not in `keep` with the smallest `rank`; -1 when none.
int lowest_ranked_resident(const std::vector<bool>& cached, const std::vector<bool>& keep,
                           const std::vector<double>& rank);

}  // namespace xpusim::policy
