#pragma once
// A training job's progress through its iterations, shared by the single-switch fabric
// (InaFabric) and the leaf-spine one (InaRackFabric): what happens when one chunk's aggregate
// reaches the workers, and when a job runs out of iterations. `Job` has the fields both
// fabrics' Job structs share (spec, packets, iteration, acked, acked_low, chunks, record).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "xpusim/core/error.hpp"
#include "xpusim/core/simulator.hpp"
#include "xpusim/hw/switch_spec.hpp"
#include "xpusim/policy/switch_memory/switch_memory_policy.hpp"
#include "xpusim/systems/ina_records.hpp"
#include "xpusim/workload/training_job.hpp"

namespace xpusim::systems {

// Job i of the scenario as a fabric tracks it: its packets per iteration (the gradient over the
// switch's payload, at least one) and its record. Jobs are numbered 0, 1, 2, ...; job and worker
// indices must fit the fabric's event payload (`max_workers` workers per job).
template <class Job>
Job new_job(const workload::TrainingJob& spec, std::size_t i, const hw::SwitchSpec& sw,
            std::int32_t max_workers) {
  Job j;
  j.spec = spec;
  XPUSIM_CHECK(j.spec.id == static_cast<std::int32_t>(i),
               "training jobs must be numbered 0, 1, 2, ...");
  XPUSIM_CHECK(i < (1u << 16) && j.spec.workers >= 1 && j.spec.workers < max_workers,
               "job or worker index beyond the event payload");
  j.packets = std::max<std::int64_t>(
      1, static_cast<std::int64_t>(
             std::ceil(j.spec.gradient_bytes / static_cast<double>(sw.payload_bytes()))));
  if (j.packets >= (std::int64_t{1} << 31))
    throw Error("job " + std::to_string(i) + ": gradient of " + std::to_string(j.packets) +
                " packets per iteration is beyond the simulator's 2^31 limit");
  j.record.job = j.spec.id;
  j.record.arrival_ns = j.spec.arrival_ns;
  j.record.workers = j.spec.workers;
  j.record.iterations = j.spec.iterations;
  j.record.packets_per_iteration = j.packets;
  j.record.gradient_bytes = j.spec.gradient_bytes;
  return j;
}

// Chunk c's result reached the workers: checks that it arrives once and sums exactly what the
// workers sent (always on: a lost or double-counted contribution changes the integer sum),
// counts and reports it. Returns true when every chunk of the iteration has arrived.
template <class Job>
bool count_result(Job& job, std::int64_t c, InaObserver& observer) {
  auto& chunk = job.chunks[static_cast<std::size_t>(c)];
  XPUSIM_CHECK(!chunk.done, "a chunk's result reached the workers twice");
  chunk.done = true;
  XPUSIM_CHECK(chunk.final_sum == chunk.expected_sum,
               "an aggregate differs from the sum the workers sent");
  job.record.contributions += job.spec.workers;
  if (chunk.in_switch) job.record.in_switch_contributions += job.spec.workers;
  observer.on_chunk_aggregated({job.spec.id, job.iteration, c, chunk.final_sum, chunk.expected_sum,
                                job.spec.workers, chunk.in_switch});
  ++job.acked;
  while (job.acked_low < job.packets && job.chunks[static_cast<std::size_t>(job.acked_low)].done)
    ++job.acked_low;
  return job.acked >= job.packets;
}

// The iteration is complete: counts it; returns true when the job has another one to run.
// Otherwise the job is finished: its chunk state is released, the policy and the observer told.
template <class Job>
bool next_iteration(Job& job, const Simulator& sim, policy::SwitchMemoryPolicy& policy,
                    InaObserver& observer, std::int64_t& finished) {
  ++job.iteration;
  job.record.iterations_done = job.iteration;
  if (job.iteration < job.spec.iterations) return true;
  job.chunks.clear();
  job.chunks.shrink_to_fit();
  job.record.finish_ns = sim.now();
  ++finished;
  policy.on_job_end(job.spec.id);
  observer.on_job_finished(job.record);
  return false;
}

}  // namespace xpusim::systems
