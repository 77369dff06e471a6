#pragma once
// The `moe` block of a serving run with expert parallelism, fed by the instances'
// expert-parallel stages: per-iteration load imbalance (the busiest GPU's token-expert pairs
// over the mean, summed over the MoE layers), the shares of iteration time in all-to-all and in
// the routed experts, and placements with the expert weights they moved (docs/outputs.md).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "xpusim/report/sample_summary.hpp"
#include "xpusim/systems/moe_records.hpp"

namespace xpusim::report {

class ServingMoeMetrics final : public systems::MoeObserver {
 public:
  // `decode_expert_parallel` > 0: the decode pool's G (reported when set); `pool_expert_parallel`
  // (cluster.pools): every pool's G, 0 for a pool without (reported when given).
  ServingMoeMetrics(int expert_parallel, int decode_expert_parallel, std::string placement,
                    std::vector<int> pool_expert_parallel = {})
      : expert_parallel_(expert_parallel),
        decode_expert_parallel_(decode_expert_parallel),
        placement_(std::move(placement)),
        pool_expert_parallel_(std::move(pool_expert_parallel)) {}
  // Contract: an iteration's layer records come together, followed by its step record.
  void on_layer(const systems::MoeLayerRecord& r) override;
  void on_step(const systems::MoeStepRecord& r) override;
  nlohmann::json summary() const;

 private:
  int expert_parallel_;
  int decode_expert_parallel_;
  std::string placement_;
  std::vector<int> pool_expert_parallel_;
  double max_sum_ = 0, mean_sum_ = 0;  // the open iteration's layers
  SampleSummary imbalance_;
  std::vector<double> layer_imbalance_sum_;  // per MoE layer: Σ over iterations of max/mean
  std::vector<std::int64_t> layer_passes_;
  std::int64_t iterations_ = 0, rebalances_ = 0;
  double time_s_ = 0, all_to_all_s_ = 0, expert_s_ = 0, all_to_all_bytes_ = 0;
  double move_bytes_ = 0, move_exposed_s_ = 0;
};

}  // namespace xpusim::report
