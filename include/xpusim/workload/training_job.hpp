#pragma once
// Data-parallel training jobs whose workers all-reduce their gradient every iteration through
// in-network aggregation: what arrives in an `ina` scenario.
#include <cstdint>
#include <string>
#include <vector>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/core/time.hpp"

namespace xpusim::workload {

// One job; as an entry of an explicit job list (`workload.jobs: [{gradient_mb: 2, ...}, ...]`)
// each key is bound to its field by binding() (seconds, MB, ms into ns and bytes); the id is
// the entry's index.
struct TrainingJob {
  std::int32_t id = 0;
  TimeNs arrival_ns = 0;
  std::int32_t workers = 8;
  double gradient_bytes = 0;            // per worker per iteration
  TimeNs compute_ns = 5'000'000;        // forward + backward of one iteration, before the all-reduce
  std::int32_t iterations = 10;

  static const ParamBinding<TrainingJob>& binding();
};

// Transport-level settings every job shares (the last keys of the `workload` section).
struct TrainingTransport {
  double compute_jitter = 0.05;  // each worker's compute time is drawn in [t, t x (1 + jitter))
  double loss_rate = 0;          // probability that a worker's packet is lost on its uplink
  TimeNs retransmit_timeout_ns = 200'000;  // a lost packet is resent this long after it was sent

  static const ParamBinding<TrainingTransport>& binding();
};

// The `workload` section of an `ina` scenario: a generator of `count` jobs (in the YAML's own
// units) and the transport, each key bound to its field by binding(); the rules reject
// inverted min/max ranges.
struct TrainingWorkloadConfig {
  int count = 4;
  bool poisson = false;  // arrival: simultaneous | poisson
  double mean_interarrival_s = 0.01;
  int workers = 8;
  double gradient_mb_min = 4, gradient_mb_max = 4;  // each job draws uniformly in [min, max]
  int iterations_min = 10, iterations_max = 10;
  double compute_ms = 5;
  TrainingTransport transport;

  static const ParamBinding<TrainingWorkloadConfig>& binding();
};

// The keys of that section that describe the generated jobs (not the transport); a scenario
// that lists its jobs explicitly must not give them.
const std::vector<std::string>& training_generator_keys();

// Draws the jobs (stream "workload.training_jobs"), sorted by arrival then id.
std::vector<TrainingJob> generate_training_jobs(const TrainingWorkloadConfig& config,
                                                std::uint64_t seed);

}  // namespace xpusim::workload
