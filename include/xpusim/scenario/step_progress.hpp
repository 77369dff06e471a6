#pragma once
// Progress for the step-wise MoE runners (system: moe and moe_offload), which have no event loop
// to hook: adapters that forward every record unchanged to the next observer, then tell the
// meter how many of the configured steps (or iterations) are done, or how much of the horizon.
//
// Contract: forwarding comes first and the meter only reads the record, so progress cannot
// change what the metrics or the timeline see. The meter reads the clock once a step.
#include <algorithm>
#include <string>

#include "xpusim/report/progress_meter.hpp"
#include "xpusim/systems/moe_records.hpp"
#include "xpusim/systems/offload_runner.hpp"

namespace xpusim::scenario {

// Fraction of `total` steps done, or of the horizon when that ends the run sooner.
inline double step_fraction(double done, double total, TimeNs now_ns, double horizon_s) {
  double f = total > 0 ? done / total : 0;
  if (horizon_s > 0) f = std::max(f, ns_to_seconds(now_ns) / horizon_s);
  return std::min(f, 1.0);
}

class MoeStepProgress final : public systems::MoeObserver {
 public:
  MoeStepProgress(systems::MoeObserver& next, report::ProgressMeter& meter, int steps,
                  double horizon_s)
      : next_(next), meter_(meter), steps_(steps), horizon_s_(horizon_s) {}
  void on_layer(const systems::MoeLayerRecord& r) override { next_.on_layer(r); }
  void on_step(const systems::MoeStepRecord& r) override {
    next_.on_step(r);
    if (!meter_.due()) return;
    const double f = step_fraction(r.step + 1, steps_, r.start_ns + r.time_ns, horizon_s_);
    meter_.report(f, std::to_string(r.step + 1) + "/" + std::to_string(steps_) + " steps");
  }

 private:
  systems::MoeObserver& next_;
  report::ProgressMeter& meter_;
  int steps_;
  double horizon_s_;
};

class OffloadStepProgress final : public systems::OffloadObserver {
 public:
  OffloadStepProgress(systems::OffloadObserver& next, report::ProgressMeter& meter,
                      int iterations, double horizon_s)
      : next_(next), meter_(meter), iterations_(iterations), horizon_s_(horizon_s) {}
  void on_iteration(const systems::OffloadIterationRecord& r) override {
    next_.on_iteration(r);
    now_ns_ += r.time_ns;
    if (!meter_.due()) return;
    const double f = step_fraction(r.iteration + 1, iterations_, now_ns_, horizon_s_);
    meter_.report(f, std::to_string(r.iteration + 1) + "/" + std::to_string(iterations_) +
                         " iterations");
  }

 private:
  systems::OffloadObserver& next_;
  report::ProgressMeter& meter_;
  int iterations_;
  double horizon_s_;
  TimeNs now_ns_ = 0;
};

}  // namespace xpusim::scenario
