#include "xpusim/experiments/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <iomanip>

#include "xpusim/core/error.hpp"
#include "xpusim/experiments/nelder_mead.hpp"
#include "xpusim/scenario/simulation.hpp"

namespace xpusim::experiments {
namespace {

constexpr Metric kMetrics[] = {Metric::Ttft, Metric::Tpot, Metric::E2e};

template <typename F>
void for_each_stat(const RunStats& sim, const RunStats& meas, F&& f) {
  for (Metric m : kMetrics) {
    const LatencyStats& s = sim.of(m);
    const LatencyStats& r = meas.of(m);
    f(s.mean, r.mean);
    f(s.p50, r.p50);
    f(s.p99, r.p99);
  }
}

}  // namespace

Replayer::Replayer(scenario::ScenarioSpec base, const scenario::Catalogs& catalogs,
                   const std::vector<MeasuredRequest>& requests, std::filesystem::path work_dir)
    : spec_(std::move(base)), catalogs_(catalogs), work_dir_(std::move(work_dir)) {
  std::filesystem::create_directories(work_dir_);
  const auto trace = std::filesystem::absolute(work_dir_ / "replay_trace.csv");
  write_trace(requests, trace);
  const auto* source = catalogs_.sources.find("trace");
  if (!source) throw Error("calibrate: the trace request source is not registered");
  spec_.workload = {"trace", resolve_params(source->schema, {{"format", std::string("xpusim")},
                                                             {"path", trace.string()}})};
  spec_.horizon_s = 0;  // every request runs to completion
}

std::vector<MeasuredRequest> Replayer::run(const model::EngineOverhead& engine) const {
  scenario::ScenarioSpec spec = spec_;
  spec.engine = engine;
  scenario::RunOptions options;
  options.out_dir = work_dir_ / "replay";
  std::filesystem::create_directories(options.out_dir);
  scenario::run_scenario(spec, catalogs_, options);
  return read_measured_csv(options.out_dir / "requests.csv");
}

double calibration_error(const RunStats& sim, const RunStats& meas) {
  double sum = 0;
  int n = 0;
  for_each_stat(sim, meas, [&](double s, double r) {
    if (r <= 0) return;
    const double ratio = std::log(std::max(s, 1e-9) / r);
    sum += ratio * ratio;
    ++n;
  });
  return n ? sum / n : 0.0;
}

double per_request_error(const std::vector<MeasuredRequest>& sim,
                         const std::vector<MeasuredRequest>& meas) {
  if (sim.size() != meas.size())
    throw Error("calibrate: the replay completed " + std::to_string(sim.size()) + " of " +
                std::to_string(meas.size()) + " requests");
  const RunStats scale = run_stats(meas);
  double sum = 0;
  const auto term = [&](double s, double r, double mean) {
    if (mean <= 0) return;
    const double d = (s - r) / mean;
    sum += d * d;
  };
  for (std::size_t i = 0; i < sim.size(); ++i) {
    term(sim[i].tpot_s, meas[i].tpot_s, scale.tpot.mean);
    term(sim[i].e2e_s, meas[i].e2e_s, scale.e2e.mean);
  }
  return sim.empty() ? 0.0 : sum / (2.0 * double(sim.size()));
}

double median_abs_relative_error(const RunStats& sim, const RunStats& meas) {
  std::vector<double> e;
  for_each_stat(sim, meas, [&](double s, double r) {
    if (r > 0) e.push_back(std::abs(s - r) / r);
  });
  if (e.empty()) return 0;
  std::sort(e.begin(), e.end());
  const std::size_t m = e.size() / 2;
  return e.size() % 2 ? e[m] : 0.5 * (e[m - 1] + e[m]);
}

namespace {

using Objective = std::function<double(const std::vector<double>&)>;

// A coarse grid over the box (the start included), then restarted Nelder–Mead from the best
// point: the replayed run is a step function of the factors (discrete batches), so a simplex
// can stall on a plateau; each restart begins at the best point so far with a smaller simplex.
BoxMinimum search(const Objective& f, const std::vector<double>& start,
                  const std::vector<double>& lo, const std::vector<double>& hi, int budget) {
  BoxMinimum m{start, f(start), 1};
  int used = 1;
  const std::vector<std::vector<double>> levels{{0.0, 0.05, 0.15, 0.4},  // fractions of range
                                                {0.6, 0.8, 1.0, 1.25, 1.6},  // GPU scale
                                                {0.0, 0.04, 0.12, 0.4}};
  std::vector<std::size_t> idx(start.size(), 0);
  while (true) {
    std::vector<double> x(start.size());
    for (std::size_t d = 0; d < x.size(); ++d) {
      const double level = levels[d][idx[d]];
      x[d] = d == 1 ? std::clamp(level, lo[d], hi[d]) : lo[d] + level * (hi[d] - lo[d]);
    }
    const double v = f(x);
    ++used;
    if (v < m.value) m = {x, v, used};
    std::size_t d = 0;
    while (d < idx.size() && ++idx[d] == levels[d].size()) idx[d++] = 0;
    if (d == idx.size()) break;
  }
  for (int round = 0; used < budget; ++round) {
    NelderMeadOptions nm;
    nm.max_evaluations = std::max(5, budget - used);
    nm.initial_step = 0.25 / double(1 << std::min(round, 4));
    nm.tolerance = 1e-9;
    const BoxMinimum step = minimise_in_box(f, m.x, lo, hi, nm);
    used += step.evaluations;
    if (step.value < m.value) m = step;
  }
  m.evaluations = used;
  return m;
}

}  // namespace

CalibrationResult calibrate(const Replayer& replayer, const std::vector<MeasuredRequest>& measured,
                            const CalibrationOptions& o) {
  CalibrationResult r;
  r.measured = run_stats(measured);
  const auto error_of = [&](const std::vector<MeasuredRequest>& sim, RunStats& stats) {
    stats = run_stats(sim);
    return calibration_error(stats, r.measured) + per_request_error(sim, measured);
  };
  r.error_before = error_of(replayer.run(o.start), r.before);
  // x = (fixed_us, gpu_time_scale[, per_seq_us])
  const auto engine_at = [&](const std::vector<double>& x) {
    model::EngineOverhead e = o.start;
    e.name = o.start.name == "none" ? "calibrated" : o.start.name + "-calibrated";
    e.fixed_s = x[0] * 1e-6;
    e.gpu_time_scale = x[1];
    if (x.size() > 2) e.per_seq_s = x[2] * 1e-6;
    return e;
  };
  const Objective objective = [&](const std::vector<double>& x) {
    RunStats stats;
    return error_of(replayer.run(engine_at(x)), stats);
  };
  std::vector<double> start{o.start.fixed_s * 1e6, o.start.gpu_time_scale};
  std::vector<double> lo{0, o.min_gpu_scale}, hi{o.max_fixed_us, o.max_gpu_scale};
  if (o.fit_per_seq) {
    start.push_back(o.start.per_seq_s * 1e6);
    lo.push_back(0);
    hi.push_back(o.max_per_seq_us);
  }
  const BoxMinimum m = search(objective, start, lo, hi, o.max_evaluations);
  r.engine = engine_at(m.x);
  r.error_after = error_of(replayer.run(r.engine), r.after);
  r.evaluations = m.evaluations + 2;
  return r;
}

void write_engine_preset(const model::EngineOverhead& e, const CalibrationResult& r,
                         const std::filesystem::path& path) {
  std::ofstream out(path);
  if (!out) throw Error("cannot write " + path.string());
  out << std::setprecision(6);
  out << "# Written by `xpusim calibrate`: engine overhead fitted to a measured run\n"
      << "# (calibration error " << r.error_before << " before, " << r.error_after
      << " after; objective in docs/execution-model.md, Engine overheads).\n"
      << "name: " << e.name << "\n"
      << "fixed_us: " << e.fixed_s * 1e6 << "\n"
      << "per_seq_us: " << e.per_seq_s * 1e6 << "\n"
      << "per_sampled_token_us: " << e.per_sampled_token_s * 1e6 << "\n"
      << "overlap: " << e.overlap << "\n"
      << "gpu_time_scale: " << e.gpu_time_scale << "\n";
  if (!out) throw Error("cannot write " + path.string());
}

}  // namespace xpusim::experiments
