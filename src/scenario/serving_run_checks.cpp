#include "xpusim/scenario/serving_run_checks.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "xpusim/core/error.hpp"

namespace xpusim::scenario {

void check_conservation(const ServingClusters& run, std::int64_t unfinished) {
  std::int64_t held = 0;
  std::vector<const systems::ServingInstance*> all;
  if (run.cluster) {
    held += static_cast<std::int64_t>(run.cluster->parked());
    if (run.migration) held += static_cast<std::int64_t>(run.migration->requests_in_flight());
    for (const auto& inst : run.cluster->instances()) all.push_back(inst.get());
  } else {
    held += static_cast<std::int64_t>(run.disaggregated->parked() +
                                      run.disaggregated->transfers_in_flight());
    for (const auto& inst : run.disaggregated->prefill()) all.push_back(inst.get());
    for (const auto& inst : run.disaggregated->decode()) all.push_back(inst.get());
  }
  for (const auto* inst : all) held += inst->outstanding();
  XPUSIM_CHECK(held == unfinished, "request conservation: " + std::to_string(unfinished) +
                                       " unfinished requests but " + std::to_string(held) +
                                       " held by instances");
  if (unfinished > 0) return;  // a horizon may stop an instance mid-iteration
  for (const auto* inst : all) {
    inst->check_invariants();
    XPUSIM_CHECK(inst->kv().allocated() == 0 && inst->swap_used_blocks() == 0,
                 "KV conservation: blocks still held after every request finished");
  }
}

void report_progress(const ScenarioSpec& spec, const Simulator& sim,
                     const report::ServingMetrics& m, report::ProgressMeter& meter) {
  if (!meter.due()) return;
  const std::int64_t done = m.completed() + m.rejected() + m.lost();
  const Params& w = spec.workload.params;
  const std::int64_t total = w.has("num_requests") ? w.integer("num_requests") : 0;
  double f = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : -1;
  if (spec.horizon_s > 0)
    f = std::max(f, ns_to_seconds(sim.now()) / spec.horizon_s);
  std::string detail = std::to_string(done);
  if (total > 0) detail += '/' + std::to_string(total);
  detail += " requests done";
  meter.report(f, detail);
}

}  // namespace xpusim::scenario
