#pragma once
// Data-parallel training jobs whose workers all-reduce their gradient every iteration through
// in-network aggregation: what arrives in an `ina` scenario.
#include <cstdint>
#include <string>
#include <vector>

#include "xpusim/core/params.hpp"
#include "xpusim/core/time.hpp"

namespace xpusim::workload {

struct TrainingJob {
  std::int32_t id = 0;
  TimeNs arrival_ns = 0;
  std::int32_t workers = 2;
  double gradient_bytes = 0;  // per worker per iteration
  TimeNs compute_ns = 0;      // forward + backward of one iteration, before the all-reduce
  std::int32_t iterations = 1;
};

// Transport-level settings every job shares.
struct TrainingTransport {
  double compute_jitter = 0;         // each worker's compute time is drawn in [t, t x (1 + jitter))
  double loss_rate = 0;              // probability that a worker's packet is lost on its uplink
  TimeNs retransmit_timeout_ns = 0;  // a lost packet is resent this long after it was sent
};

// The `workload` section of an `ina` scenario (a generator of `count` jobs).
ParamSchema training_workload_schema();
// The keys of that section that describe the generated jobs (not the transport); a scenario
// that lists its jobs explicitly must not give them.
const std::vector<std::string>& training_generator_keys();
// One entry of an explicit job list (`workload.jobs: [{gradient_mb: 2, ...}, ...]`).
ParamSchema training_job_schema();
TrainingJob training_job_from_params(const Params& params, std::int32_t id);

// Draws the jobs from a resolved `workload` section (stream "workload.training_jobs"), sorted
// by arrival then id. Throws xpusim::ParamError for inconsistent ranges.
std::vector<TrainingJob> generate_training_jobs(const Params& params, std::uint64_t seed);
TrainingTransport training_transport_from_params(const Params& params);

}  // namespace xpusim::workload
