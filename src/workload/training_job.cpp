#include "xpusim/workload/training_job.hpp"

#include "xpusim/core/rng.hpp"

namespace xpusim::workload {

const ParamBinding<TrainingJob>& TrainingJob::binding() {
  using C = TrainingJob;
  static const auto b =
      ParamBinding<C>()
          .real_via(
              "arrival_s", [](C& j, double s) { j.arrival_ns = seconds_to_ns(s); },
              [](const C& j) { return static_cast<double>(j.arrival_ns) / 1e9; }, "s",
              "when the job arrives", {.min = 0, .max = 9e9})
          .integer(XPUSIM_KEY(C, workers), "", "workers (data-parallel replicas)",
                   {.min = 1, .max = 1024})
          .real("gradient_mb", &C::gradient_bytes, "MB",
                "gradient per worker per iteration (1 MB = 1e6 bytes)",
                {.min = 0, .min_exclusive = true})
          .scale(1e6)
          .required()
          .integer(XPUSIM_KEY(C, iterations), "", "iterations", {.min = 1, .max = 1 << 20})
          .real_via(
              "compute_ms", [](C& j, double ms) { j.compute_ns = seconds_to_ns(ms * 1e-3); },
              [](const C& j) { return static_cast<double>(j.compute_ns) / 1e6; }, "ms",
              "forward + backward time of one iteration", {.min = 0});
  return b;
}

const ParamBinding<TrainingTransport>& TrainingTransport::binding() {
  using C = TrainingTransport;
  static const auto b =
      ParamBinding<C>()
          .real(XPUSIM_KEY(C, compute_jitter), "",
                "each worker's compute time is drawn uniformly in [t, t x (1 + jitter)) "
                "(stragglers)",
                {.min = 0, .max = 10})
          .real(XPUSIM_KEY(C, loss_rate), "", "probability a worker's packet is lost on its uplink",
                {.min = 0, .max = 0.5})
          .real_via(
              "retransmit_timeout_us",
              [](C& t, double us) { t.retransmit_timeout_ns = duration_ns_ceil(us * 1e-6); },
              [](const C& t) { return static_cast<double>(t.retransmit_timeout_ns) / 1e3; }, "us",
              "a lost packet is resent this long after it was sent",
              {.min = 0, .min_exclusive = true});
  return b;
}

namespace {

void check_ranges(const TrainingWorkloadConfig& c) {
  if (c.gradient_mb_max < c.gradient_mb_min)
    throw ParamError("gradient_mb_max", "gradient_mb_max (" + format_value(c.gradient_mb_max) +
                                            ") is below gradient_mb_min (" +
                                            format_value(c.gradient_mb_min) + ")");
  if (c.iterations_max < c.iterations_min)
    throw ParamError("iterations_max", "iterations_max (" + std::to_string(c.iterations_max) +
                                           ") is below iterations_min (" +
                                           std::to_string(c.iterations_min) + ")");
}

}  // namespace

const ParamBinding<TrainingWorkloadConfig>& TrainingWorkloadConfig::binding() {
  using C = TrainingWorkloadConfig;
  static const auto b =
      ParamBinding<C>()
          .integer(XPUSIM_KEY(C, count), "", "training jobs", {.min = 1, .max = 4096})
          .choice("arrival", &C::poisson, {{"simultaneous", false}, {"poisson", true}},
                  "all jobs arrive at time 0, or as a Poisson process")
          .real(XPUSIM_KEY(C, mean_interarrival_s), "s", "mean gap between arrivals (poisson)",
                {.min = 0, .min_exclusive = true})
          .integer(XPUSIM_KEY(C, workers), "", "workers per job (data-parallel replicas)",
                   {.min = 1, .max = 1024})
          .real(XPUSIM_KEY(C, gradient_mb_min), "MB",
                "smallest gradient per worker per iteration (1 MB = 1e6 bytes); each job draws "
                "uniformly in [min, max]",
                {.min = 0, .min_exclusive = true})
          .real(XPUSIM_KEY(C, gradient_mb_max), "MB", "largest gradient per worker per iteration",
                {.min = 0, .min_exclusive = true})
          .integer(XPUSIM_KEY(C, iterations_min), "",
                   "fewest iterations of a job (uniform in [min, max])", {.min = 1, .max = 1 << 20})
          .integer(XPUSIM_KEY(C, iterations_max), "", "most iterations of a job",
                   {.min = 1, .max = 1 << 20})
          .real(XPUSIM_KEY(C, compute_ms), "ms", "forward + backward time of one iteration",
                {.min = 0})
          .group(TrainingTransport::binding(), &C::transport)
          .rule(check_ranges);
  return b;
}

const std::vector<std::string>& training_generator_keys() {
  // Every key of the section but the transport's.
  static const std::vector<std::string> keys = [] {
    const auto& all = TrainingWorkloadConfig::binding();
    const std::size_t generator = all.size() - TrainingTransport::binding().size();
    std::vector<std::string> out;
    for (std::size_t i = 0; i < generator; ++i) out.push_back(all.decl(i).name);
    return out;
  }();
  return keys;
}

std::vector<TrainingJob> generate_training_jobs(const TrainingWorkloadConfig& c,
                                                std::uint64_t seed) {
  RngStream rng(seed, "workload.training_jobs");
  const double gap_rate = 1.0 / c.mean_interarrival_s;
  std::vector<TrainingJob> jobs;
  double t = 0;
  for (std::int64_t i = 0; i < c.count; ++i) {
    TrainingJob j;
    j.id = static_cast<std::int32_t>(i);
    if (c.poisson && i > 0) t += rng.exponential(gap_rate);
    j.arrival_ns = seconds_to_ns(t);
    j.workers = static_cast<std::int32_t>(c.workers);
    // Draws happen whether or not a range is degenerate, so widening one range never shifts
    // another job's numbers.
    const double u = rng.uniform01();
    j.gradient_bytes = (c.gradient_mb_min + u * (c.gradient_mb_max - c.gradient_mb_min)) * 1e6;
    j.iterations = static_cast<std::int32_t>(rng.uniform_int(c.iterations_min, c.iterations_max));
    j.compute_ns = seconds_to_ns(c.compute_ms * 1e-3);
    jobs.push_back(j);
  }
  return jobs;
}

}  // namespace xpusim::workload
