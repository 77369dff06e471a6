#pragma once
// Progress of one run on stderr: the fraction done (of the requests, steps or simulated horizon)
// and an estimate of the wall time left.
//
// Contract: the caller asks due() when it is cheap to (the simulator's progress hook runs every
// K events; step-wise runners once a step); only when due() is true does it compute the
// fraction and call report(). Wall time is read only by the meter and never reaches a model or
// an output file: progress cannot change results. On a terminal a bar is redrawn in place
// (at most twice a second); otherwise a full line is written every `every_s` seconds, for logs.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace xpusim::report {

// Simulator events between two looks at the clock (a clock read every 4096 events costs far
// below 0.1% of a run; serving runs process ~10^5 events a second, so lines stay on time).
inline constexpr std::uint64_t kProgressCheckEvents = 4096;

struct ProgressSettings {
  bool enabled = false;
  bool bar = false;       // redraw one line in place (stderr is a terminal)
  double every_s = 10;    // seconds between lines when not a bar
};

class ProgressMeter {
 public:
  ProgressMeter(ProgressSettings settings, std::string run_name, std::FILE* out = stderr);
  ~ProgressMeter();
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;

  // True when a report is due (reads the steady clock).
  bool due();
  // `fraction` in [0, 1] (clamped; negative = unknown), `detail` e.g. "1200/2000 requests".
  void report(double fraction, std::string_view detail);
  // Ends a bar's line; called by the destructor too.
  void done();

  // "1h02m", "3m05s", "12s": the estimate's format (tested).
  static std::string format_duration(double seconds);

 private:
  ProgressSettings settings_;
  std::string name_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
  bool bar_shown_ = false;
};

}  // namespace xpusim::report
