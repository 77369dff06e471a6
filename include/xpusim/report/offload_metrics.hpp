#pragma once
// Metrics of an offloaded-MoE run, fed by the runner's per-iteration records: tokens/s,
// iteration time, expert-cache hit rate, demand fetches and prefetches, CPU share and, for
// substitution policies, the share of token-expert assignments a buddy computed (quality loss).
#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "xpusim/report/sample_summary.hpp"
#include "xpusim/systems/offload_runner.hpp"

namespace xpusim::report {

class OffloadMetrics final : public systems::OffloadObserver {
 public:
  void on_iteration(const systems::OffloadIterationRecord& r) override;
  nlohmann::json summary() const;
  void write_iterations_csv(std::ostream& out) const;

 private:
  std::vector<systems::OffloadIterationRecord> its_;
  SampleSummary time_ns_;
};

}  // namespace xpusim::report
