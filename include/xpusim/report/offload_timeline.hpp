#pragma once
// timeline.json for an expert-offloading run (system: moe_offload): one span per decode (or
// prefill) iteration, laid end to end from time 0 as the runner runs them, and counter tracks
// for the expert-cache hit rate and the experts fetched and computed on the CPU per iteration.
//
// Contract: a decorator; every record is forwarded unchanged to `next` (the metrics) first.
// Iterations beyond `max_iterations` are not drawn (counted in iterations_without_track()).
// finish() ends the document once.
#include <cstdint>
#include <ostream>

#include "xpusim/report/trace_event_stream.hpp"
#include "xpusim/systems/offload_runner.hpp"

namespace xpusim::report {

class OffloadTimeline final : public systems::OffloadObserver {
 public:
  OffloadTimeline(std::ostream& out, systems::OffloadObserver& next, std::uint64_t max_iterations);
  void on_iteration(const systems::OffloadIterationRecord& record) override;
  void finish();
  std::uint64_t iterations_without_track() const { return untracked_; }

 private:
  TraceEventStream stream_;
  systems::OffloadObserver& next_;
  std::uint64_t max_iterations_;
  TimeNs cursor_ = 0;  // iterations run back to back from 0
  std::uint64_t untracked_ = 0;
};

}  // namespace xpusim::report
