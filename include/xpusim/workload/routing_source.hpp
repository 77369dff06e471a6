#pragma once
// MoE routing workload: for every micro-batch, how many tokens the router sends to each expert
// of each MoE layer (top-k choices counted per expert). Generators and trace replays implement
// RoutingSource; the expert-parallel runner consumes it (docs/moe.md).
#include <cstdint>
#include <vector>

namespace xpusim::workload {

// Token counts of one micro-batch: loads[layer][expert] = tokens routed to that expert.
using ExpertLoads = std::vector<std::vector<std::int64_t>>;

class RoutingSource {
 public:
  virtual ~RoutingSource() = default;
  virtual int layers() const = 0;
  virtual int experts() const = 0;
  // Fills `out` with the next micro-batch's loads (resized to layers() x experts()).
  virtual void next(ExpertLoads& out) = 0;
};

}  // namespace xpusim::workload
