#pragma once
// timeline.json for an expert-parallel MoE run (system: moe): a "steps" track with one span per
// training step or serving iteration, a "layers" track with the step's exposed weight moves then
// its MoE layer passes laid end to end (in the order the runner computes them), and
// counter tracks for throughput and load imbalance.
//
// Contract: a decorator. Every record is forwarded unchanged to `next` (the metrics), so adding
// the timeline cannot change what the metrics see. Layer passes are drawn for the first
// `max_detail_steps` steps only (a cap keeps long runs loadable); steps beyond it are counted in
// steps_without_detail(). finish() ends the document once.
#include <cstdint>
#include <ostream>
#include <vector>

#include "xpusim/report/trace_event_stream.hpp"
#include "xpusim/systems/moe_records.hpp"

namespace xpusim::report {

class MoeTimeline final : public systems::MoeObserver {
 public:
  MoeTimeline(std::ostream& out, systems::MoeObserver& next, std::uint64_t max_detail_steps);
  void on_layer(const systems::MoeLayerRecord& record) override;
  void on_step(const systems::MoeStepRecord& record) override;
  void finish();
  std::uint64_t steps_without_detail() const { return steps_without_detail_; }

 private:
  TraceEventStream stream_;
  systems::MoeObserver& next_;
  std::uint64_t max_detail_steps_;
  std::vector<systems::MoeLayerRecord> pending_;  // layer passes of the step in progress
  std::uint64_t steps_without_detail_ = 0;
};

}  // namespace xpusim::report
