#pragma once
// Applies RunLimits to a Simulator, and turns a guarded stop into one clear error.
#include "xpusim/core/error.hpp"
#include "xpusim/core/simulator.hpp"
#include "xpusim/scenario/loaded_scenario.hpp"

namespace xpusim::scenario {

// A run stopped before it finished: by --max-events, --max-wall-s, the livelock watchdog or a
// signal. No output file was written (docs/errors.md).
class RunStopped : public Error {
 public:
  enum class Why { MaxEvents, MaxWall, Stalled, Signal };
  RunStopped(Why why, int signal, const std::string& message)
      : Error(message), why_(why), signal_(signal) {}
  Why why() const { return why_; }
  int signal() const { return signal_; }  // for Why::Signal

 private:
  Why why_;
  int signal_;
};

// The simulator guard for `limits`: event cap, watchdog, and a poll of the wall clock (started
// now) and of the interrupt flag.
RunGuard make_run_guard(const RunLimits& limits);

// After Simulator::run: throws RunStopped when a guard (not the model) ended the run.
void throw_if_stopped(const Simulator& sim, const RunLimits& limits);

}  // namespace xpusim::scenario
