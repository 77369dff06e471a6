// `xpusim calibrate`: replays a measured run in its scenario, fits the engine overhead and GPU
// time factor (src/experiments/calibration.cpp), prints the fit and writes a preset.
#include <unistd.h>

#include <cstdio>
#include <spdlog/spdlog.h>

#include <iostream>

#include "xpusim/cli/commands.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/experiments/calibration.hpp"
#include "xpusim/scenario/scenario_loader.hpp"

namespace xpusim::cli {
namespace {

void print_stats(const char* label, const experiments::RunStats& s,
                 const experiments::RunStats& measured) {
  const auto row = [&](experiments::Metric m) {
    const auto& a = s.of(m);
    const auto& b = measured.of(m);
    std::printf("  %-10s %-4s mean %10.2f ms (%+6.1f%%)  p50 %10.2f ms (%+6.1f%%)  p99 %10.2f ms (%+6.1f%%)\n",
                label, experiments::to_string(m), a.mean * 1e3, 100 * (a.mean / b.mean - 1),
                a.p50 * 1e3, 100 * (a.p50 / b.p50 - 1), a.p99 * 1e3, 100 * (a.p99 / b.p99 - 1));
  };
  row(experiments::Metric::Ttft);
  row(experiments::Metric::Tpot);
  row(experiments::Metric::E2e);
}

int calibrate(const CalibrateArgs& args) {
  const scenario::Catalogs catalogs = scenario::build_catalogs();
  const scenario::ScenarioSpec spec = scenario::load_scenario(args.scenario, args.overrides, catalogs);
  const auto measured = experiments::read_measured_csv(args.measured);
  const std::filesystem::path work =
      args.work_dir.empty()
          ? std::filesystem::temp_directory_path() / ("xpusim-calibrate-" + std::to_string(::getpid()))
          : std::filesystem::path(args.work_dir);
  const experiments::Replayer replayer(spec, catalogs, measured, work);
  experiments::CalibrationOptions options;
  if (spec.engine) options.start = *spec.engine;
  options.max_evaluations = args.max_evaluations;
  options.fit_per_seq = args.fit_per_seq;
  const auto r = experiments::calibrate(replayer, measured, options);
  if (args.work_dir.empty()) std::filesystem::remove_all(work);
  std::printf("calibrated on %zu requests in %d simulations\n", measured.size(), r.evaluations);
  std::printf("  fixed_us %.1f  per_seq_us %.2f  gpu_time_scale %.4f  (overlap %.2f and "
              "per_sampled_token_us %.2f kept; per_seq_us %s)\n",
              r.engine.fixed_s * 1e6, r.engine.per_seq_s * 1e6, r.engine.gpu_time_scale,
              r.engine.overlap, r.engine.per_sampled_token_s * 1e6,
              args.fit_per_seq ? "fitted" : "kept");
  std::printf("  objective %.4f before, %.4f after; median |error| %.1f%% "
              "before, %.1f%% after\n",
              r.error_before, r.error_after,
              100 * experiments::median_abs_relative_error(r.before, r.measured),
              100 * experiments::median_abs_relative_error(r.after, r.measured));
  print_stats("before", r.before, r.measured);
  print_stats("after", r.after, r.measured);
  if (!args.out.empty()) {
    experiments::write_engine_preset(r.engine, r, args.out);
    std::printf("wrote %s (use: engine: {preset: %s})\n", args.out.c_str(), args.out.c_str());
  }
  return kExitOk;
}

}  // namespace

int calibrate_command(const CalibrateArgs& args) {
  try {
    return calibrate(args);
  } catch (const scenario::ScenarioError& e) {
    for (const auto& m : e.messages()) spdlog::error("{}", m);
    return kExitInput;
  } catch (const Error& e) {
    spdlog::error("calibrate: {}", e.what());
    return kExitInput;
  } catch (const std::filesystem::filesystem_error& e) {
    spdlog::error("calibrate: {}", e.what());
    return kExitInput;
  }
}

}  // namespace xpusim::cli
