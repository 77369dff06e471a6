#pragma once
// Metrics of an expert-parallel run, fed by the runner's records: step time and throughput
// against an ideally balanced run, per-layer load imbalance (max/mean GPU tokens), all-to-all
// volume and time, weight movement. Writes steps.csv and layers.csv (docs/outputs.md).
#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "xpusim/report/sample_summary.hpp"
#include "xpusim/systems/moe_records.hpp"

namespace xpusim::report {

class MoeMetrics final : public systems::MoeObserver {
 public:
  explicit MoeMetrics(int layers) : per_layer_(layers) {}
  void on_layer(const systems::MoeLayerRecord& r) override;
  void on_step(const systems::MoeStepRecord& r) override;

  nlohmann::json summary() const;
  void write_steps_csv(std::ostream& out) const;
  void write_layers_csv(std::ostream& out) const;

 private:
  struct LayerStats {
    SampleSummary imbalance;  // forward passes
    double time_s = 0, ideal_s = 0, all_to_all_bytes = 0;
  };
  std::vector<LayerStats> per_layer_;
  std::vector<systems::MoeStepRecord> steps_;
  SampleSummary imbalance_;  // every forward layer pass
  SampleSummary step_time_ns_;
  double all_to_all_bytes_ = 0, all_to_all_s_ = 0, layer_s_ = 0, ideal_layer_s_ = 0;
};

}  // namespace xpusim::report
