#include "xpusim/scenario/run_guard.hpp"

#include <chrono>
#include <csignal>
#include <cstring>

namespace xpusim::scenario {

namespace {
std::string signal_name(int sig) {
  if (sig == SIGINT) return "SIGINT";
  if (sig == SIGTERM) return "SIGTERM";
  return "signal " + std::to_string(sig);
}
}  // namespace

RunGuard make_run_guard(const RunLimits& limits) {
  RunGuard guard;
  guard.max_events = limits.max_events;
  guard.stall_events = limits.stall_events;
  if (limits.max_wall_s > 0 || limits.interrupted) {
    const auto start = std::chrono::steady_clock::now();
    const auto budget = std::chrono::duration<double>(limits.max_wall_s);
    guard.should_stop = [=] {
      if (limits.interrupted && *limits.interrupted != 0) return true;
      return limits.max_wall_s > 0 && std::chrono::steady_clock::now() - start >= budget;
    };
    // A poll every 2^14 events is ~1 ms of simulation: prompt for Ctrl-C, invisible in cost.
    guard.check_every = 1 << 14;
  }
  return guard;
}

void throw_if_stopped(const Simulator& sim, const RunLimits& limits) {
  const std::string none = "; no output files were written";
  switch (sim.stop_reason()) {
    case StopReason::Done:
    case StopReason::Stopped:
      return;
    case StopReason::MaxEvents:
      throw RunStopped(RunStopped::Why::MaxEvents, 0,
                       "run stopped by --max-events: " + sim.stop_detail() + none);
    case StopReason::Stalled:
      throw RunStopped(RunStopped::Why::Stalled, 0,
                       "run stopped by the livelock watchdog: " + sim.stop_detail() + none);
    case StopReason::Interrupted:
      if (limits.interrupted && *limits.interrupted != 0) {
        const int sig = *limits.interrupted;
        throw RunStopped(RunStopped::Why::Signal, sig,
                         "interrupted by " + signal_name(sig) + " at simulated " +
                             std::to_string(ns_to_seconds(sim.now())) + " s" + none);
      }
      throw RunStopped(RunStopped::Why::MaxWall, 0,
                       "run stopped by --max-wall-s " + std::to_string(limits.max_wall_s) +
                           " at simulated " + std::to_string(ns_to_seconds(sim.now())) + " s" + none);
  }
}

}  // namespace xpusim::scenario
