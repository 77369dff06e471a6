#pragma once
// Checks over a serving run as it goes and at its end: the progress line, and request and KV
// conservation (docs/invariants.md).
#include <cstdint>

#include "xpusim/core/simulator.hpp"
#include "xpusim/report/progress_meter.hpp"
#include "xpusim/report/serving_metrics.hpp"
#include "xpusim/scenario/scenario_spec.hpp"
#include "xpusim/systems/cluster.hpp"
#include "xpusim/systems/disaggregated_cluster.hpp"
#include "xpusim/systems/migration_coordinator.hpp"

namespace xpusim::scenario {

// The run's instances: a colocated cluster (with its migration coordinator, if any), or a
// disaggregated one.
struct ServingClusters {
  const systems::Cluster* cluster = nullptr;
  const systems::MigrationCoordinator* migration = nullptr;
  const systems::DisaggregatedCluster* disaggregated = nullptr;
};

// Request conservation: every request that arrived and is not finished, rejected or lost is
// held somewhere — waiting, running, swapped or arrived on an instance, parked while every
// instance (of a pool) is down, or in flight between instances (a KV hand-off, a migration's
// final round). KV conservation: once nothing is unfinished, no instance holds a block or
// swap space beyond what its prefix cache keeps unreferenced (which counts as free).
void check_conservation(const ServingClusters& run, std::int64_t unfinished);

// Requests done (completed, rejected or lost) of the workload's num_requests when it has one,
// or the share of the horizon simulated, whichever is further.
void report_progress(const ScenarioSpec& spec, const Simulator& sim,
                     const report::ServingMetrics& metrics, report::ProgressMeter& meter);

}  // namespace xpusim::scenario
