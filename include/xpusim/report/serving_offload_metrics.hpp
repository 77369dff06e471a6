#pragma once
// The `offload` block of a serving run whose MoE routed experts are offloaded to host memory,
// fed by the instances' ExpertOffloadStage records: expert-cache hit rate, demand fetches and
// prefetches with the bytes they moved over PCIe, the experts and token-expert assignments the
// CPU computed, and the split of time (docs/outputs.md). Totals only: no per-iteration storage.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "xpusim/systems/offload_records.hpp"

namespace xpusim::report {

class ServingOffloadMetrics final : public systems::OffloadObserver {
 public:
  // `expert_bytes`: one expert's weights (what one fetch moves).
  ServingOffloadMetrics(std::string policy, int experts_per_layer, double expert_bytes)
      : policy_(std::move(policy)),
        experts_per_layer_(experts_per_layer),
        expert_bytes_(expert_bytes) {}
  void on_iteration(const systems::OffloadIterationRecord& r) override;
  nlohmann::json summary() const;

 private:
  std::string policy_;
  int experts_per_layer_;
  double expert_bytes_;
  std::int64_t iterations_ = 0;
  systems::OffloadIterationRecord total_;  // counts and busy times summed
  double time_s_ = 0, added_s_ = 0;        // iteration time; the routed experts' part of it
};

}  // namespace xpusim::report
