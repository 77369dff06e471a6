#pragma once
// MoE routing workload: for every micro-batch, how many tokens the router sends to each expert
// of each MoE layer (top-k choices counted per expert). Generators and trace replays implement
// RoutingSource; the expert-parallel runner consumes it (docs/moe.md).
#include <cstdint>
#include <vector>

namespace xpusim::workload {

// Token counts of one micro-batch: loads[layer][expert] = tokens routed to that expert.
using ExpertLoads = std::vector<std::vector<std::int64_t>>;

// Per-token routing of one micro-batch, for sources that model it: token t's j-th expert in
// layer l is experts[l][t * top_k + j], with its gate score (the top-k renormalised router
// weight, the k scores of a token sum to 1) at the same index of scores.
struct TokenRoutes {
  int top_k = 1;
  std::vector<std::vector<int>> experts;    // [layer][token * top_k + j]
  std::vector<std::vector<double>> scores;  // [layer][token * top_k + j]
};

class RoutingSource {
 public:
  virtual ~RoutingSource() = default;
  virtual int layers() const = 0;
  virtual int experts() const = 0;
  // Fills `out` with the next micro-batch's loads (resized to layers() x experts()).
  virtual void next(ExpertLoads& out) = 0;
  // The next loads for a batch of `tokens` tokens each picking `top_k` experts, for callers
  // whose batches vary in size (serving iterations). Default: next() rescaled so that each
  // layer's counts sum to tokens x top_k (largest remainder; a layer with no counts spreads
  // them evenly), which is how a recorded trace replays under serving.
  virtual void next_sized(ExpertLoads& out, std::int64_t tokens, int top_k);
  // The per-token choices of the last draw (consistent with its counts), or null when the
  // source gives counts only (a trace, the zipf source with coactivation_groups 0).
  virtual const TokenRoutes* token_routes() const { return nullptr; }
};

// Rescales every layer of `loads` so that its counts sum to `total` (largest remainder, ties
// to the lower expert index; an all-zero layer gets total spread evenly).
void rescale_loads(ExpertLoads& loads, std::int64_t total);

}  // namespace xpusim::workload
