#pragma once
// `xpusim calibrate`: fits a serving engine's overhead and GPU-time factor so that replaying a
// measured run (same arrivals and lengths) in the simulator reproduces its latency statistics.
// Method and limits in docs/execution-model.md ("Engine overheads", "Calibration").
#include <filesystem>
#include <vector>

#include "xpusim/experiments/measured_run.hpp"
#include "xpusim/model/engine_overhead_model.hpp"
#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/scenario_spec.hpp"

namespace xpusim::experiments {

// Replays measured requests in a scenario: the scenario's workload is replaced by the requests'
// arrivals and lengths (written as an xpusim trace in `work_dir`), its engine section by the
// given overhead.
class Replayer {
 public:
  Replayer(scenario::ScenarioSpec base, const scenario::Catalogs& catalogs,
           const std::vector<MeasuredRequest>& requests, std::filesystem::path work_dir);
  // The simulated requests of one replay (same columns as measured ones).
  std::vector<MeasuredRequest> run(const model::EngineOverhead& engine) const;

 private:
  scenario::ScenarioSpec spec_;
  const scenario::Catalogs& catalogs_;
  std::filesystem::path work_dir_;
};

// The fit's objective: mean squared log-ratio of simulated to measured mean, p50 and p99 of
// TTFT, TPOT and E2E (nine terms; a zero measured statistic is skipped).
double calibration_error(const RunStats& simulated, const RunStats& measured);
// Mean over requests (matched in arrival order) of the squared differences of simulated and
// measured TPOT and E2E, each divided by the measured mean of that metric, over 2. Not TTFT and
// not a log-ratio: a request admitted one iteration earlier or later changes its few-ms TTFT by
// tens of percent for a tiny change in the factors, which makes the objective too rough for
// the simplex; TTFT enters through the aggregate statistics. Per-request terms tell a fixed cost per iteration
// from a cost per sequence, which the aggregate statistics alone cannot (both raise the mean).
double per_request_error(const std::vector<MeasuredRequest>& simulated,
                         const std::vector<MeasuredRequest>& measured);
// Median over the nine statistics of |simulated - measured| / measured.
double median_abs_relative_error(const RunStats& simulated, const RunStats& measured);

struct CalibrationOptions {
  // overlap and per_sampled_token_s stay as given here; the name "none" means no engine was
  // given (the fit is then named "calibrated", else NAME-calibrated).
  model::EngineOverhead start{.name = "none"};
  // Also fit per_seq_us. Off by default: on a run whose batch size varies little, a fixed cost
  // per iteration and a cost per sequence are nearly collinear (docs/execution-model.md).
  bool fit_per_seq = false;
  int max_evaluations = 200;  // 20 (80 with per_seq) of them on the coarse grid
  double max_fixed_us = 20000, max_per_seq_us = 500;
  double min_gpu_scale = 0.3, max_gpu_scale = 3.0;
};

struct CalibrationResult {
  model::EngineOverhead engine;  // fitted
  RunStats measured, before, after;
  double error_before = 0, error_after = 0;  // calibration_error + per_request_error
  int evaluations = 0;
};

// Fits fixed_us and gpu_time_scale (and per_seq_us when asked): a coarse grid, then bounded,
// restarted Nelder–Mead on the replayed run, minimising calibration_error + per_request_error.
CalibrationResult calibrate(const Replayer& replayer, const std::vector<MeasuredRequest>& measured,
                            const CalibrationOptions& options);

// The fitted engine as a preset file for `engine: {preset: FILE}`.
void write_engine_preset(const model::EngineOverhead& engine, const CalibrationResult& result,
                         const std::filesystem::path& path);

}  // namespace xpusim::experiments
