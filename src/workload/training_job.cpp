#include "xpusim/workload/training_job.hpp"

#include "xpusim/core/rng.hpp"

namespace xpusim::workload {

ParamSchema training_workload_schema() {
  ParamSchema s;
  s.integer("count", 4, "", "training jobs", {.min = 1, .max = 4096})
      .choice("arrival", "simultaneous", {"simultaneous", "poisson"},
              "all jobs arrive at time 0, or as a Poisson process")
      .real("mean_interarrival_s", 0.01, "s", "mean gap between arrivals (poisson)",
            {.min = 0, .min_exclusive = true})
      .integer("workers", 8, "", "workers per job (data-parallel replicas)",
               {.min = 1, .max = 1024})
      .real("gradient_mb_min", 4.0, "MB",
            "smallest gradient per worker per iteration (1 MB = 1e6 bytes); each job draws "
            "uniformly in [min, max]",
            {.min = 0, .min_exclusive = true})
      .real("gradient_mb_max", 4.0, "MB", "largest gradient per worker per iteration",
            {.min = 0, .min_exclusive = true})
      .integer("iterations_min", 10, "", "fewest iterations of a job (uniform in [min, max])",
               {.min = 1, .max = 1 << 20})
      .integer("iterations_max", 10, "", "most iterations of a job", {.min = 1, .max = 1 << 20})
      .real("compute_ms", 5.0, "ms", "forward + backward time of one iteration", {.min = 0})
      .real("compute_jitter", 0.05, "",
            "each worker's compute time is drawn uniformly in [t, t x (1 + jitter)) (stragglers)",
            {.min = 0, .max = 10})
      .real("loss_rate", 0.0, "", "probability a worker's packet is lost on its uplink",
            {.min = 0, .max = 0.5})
      .real("retransmit_timeout_us", 200.0, "us",
            "a lost packet is resent this long after it was sent",
            {.min = 0, .min_exclusive = true});
  return s;
}

const std::vector<std::string>& training_generator_keys() {
  static const std::vector<std::string> keys = {
      "count",           "arrival",        "mean_interarrival_s", "workers",   "gradient_mb_min",
      "gradient_mb_max", "iterations_min", "iterations_max",      "compute_ms"};
  return keys;
}

ParamSchema training_job_schema() {
  ParamSchema s;
  s.real("arrival_s", 0.0, "s", "when the job arrives", {.min = 0, .max = 9e9})
      .integer("workers", 8, "", "workers (data-parallel replicas)", {.min = 1, .max = 1024})
      .real("gradient_mb", std::nullopt, "MB",
            "gradient per worker per iteration (1 MB = 1e6 bytes)",
            {.min = 0, .min_exclusive = true})
      .integer("iterations", 10, "", "iterations", {.min = 1, .max = 1 << 20})
      .real("compute_ms", 5.0, "ms", "forward + backward time of one iteration", {.min = 0});
  return s;
}

TrainingJob training_job_from_params(const Params& p, std::int32_t id) {
  TrainingJob j;
  j.id = id;
  j.arrival_ns = seconds_to_ns(p.real("arrival_s"));
  j.workers = static_cast<std::int32_t>(p.integer("workers"));
  j.gradient_bytes = p.real("gradient_mb") * 1e6;
  j.iterations = static_cast<std::int32_t>(p.integer("iterations"));
  j.compute_ns = seconds_to_ns(p.real("compute_ms") * 1e-3);
  return j;
}

TrainingTransport training_transport_from_params(const Params& p) {
  TrainingTransport t;
  t.compute_jitter = p.real("compute_jitter");
  t.loss_rate = p.real("loss_rate");
  t.retransmit_timeout_ns = duration_ns_ceil(p.real("retransmit_timeout_us") * 1e-6);
  return t;
}

std::vector<TrainingJob> generate_training_jobs(const Params& p, std::uint64_t seed) {
  const double mb_min = p.real("gradient_mb_min"), mb_max = p.real("gradient_mb_max");
  if (mb_max < mb_min)
    throw ParamError("gradient_mb_max", "gradient_mb_max (" + format_value(mb_max) +
                                            ") is below gradient_mb_min (" + format_value(mb_min) +
                                            ")");
  const std::int64_t it_min = p.integer("iterations_min"), it_max = p.integer("iterations_max");
  if (it_max < it_min)
    throw ParamError("iterations_max", "iterations_max (" + std::to_string(it_max) +
                                           ") is below iterations_min (" + std::to_string(it_min) +
                                           ")");
  RngStream rng(seed, "workload.training_jobs");
  const bool poisson = p.string("arrival") == "poisson";
  const double gap_rate = 1.0 / p.real("mean_interarrival_s");
  std::vector<TrainingJob> jobs;
  double t = 0;
  for (std::int64_t i = 0; i < p.integer("count"); ++i) {
    TrainingJob j;
    j.id = static_cast<std::int32_t>(i);
    if (poisson && i > 0) t += rng.exponential(gap_rate);
    j.arrival_ns = seconds_to_ns(t);
    j.workers = static_cast<std::int32_t>(p.integer("workers"));
    // Draws happen whether or not a range is degenerate, so widening one range never shifts
    // another job's numbers.
    const double u = rng.uniform01();
    j.gradient_bytes = (mb_min + u * (mb_max - mb_min)) * 1e6;
    j.iterations = static_cast<std::int32_t>(rng.uniform_int(it_min, it_max));
    j.compute_ns = seconds_to_ns(p.real("compute_ms") * 1e-3);
    jobs.push_back(j);
  }
  return jobs;
}

}  // namespace xpusim::workload
