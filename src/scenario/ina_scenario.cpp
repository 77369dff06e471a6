#include "xpusim/scenario/ina_scenario.hpp"
#include "xpusim/scenario/kind_sections.hpp"
#include "xpusim/scenario/system_kinds.hpp"
#include "xpusim/scenario/run_guard.hpp"
#include "xpusim/scenario/run_outputs.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <algorithm>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include "xpusim/core/error.hpp"
#include "xpusim/core/simulator.hpp"
#include "xpusim/hw/switch_spec.hpp"
#include "xpusim/report/atomic_file.hpp"
#include "xpusim/report/ina_metrics.hpp"
#include "xpusim/report/ina_timeline.hpp"
#include "xpusim/report/progress_meter.hpp"
#include "xpusim/scenario/scenario_loader.hpp"
#include "xpusim/scenario/section_reader.hpp"
#include "xpusim/systems/ina_fabric.hpp"
#include "xpusim/systems/ina_network.hpp"
#include "xpusim/systems/ina_rack_fabric.hpp"
#include "xpusim/workload/training_job.hpp"

namespace xpusim::scenario {

namespace fs = std::filesystem;

ParamSchema ina_metrics_schema() { return InaMetricsSection::binding().schema(); }

namespace {

struct InaSpec {
  std::string name;
  std::uint64_t seed = 1;
  double horizon_s = 0;
  hw::SwitchSpec sw;
  Selection policy;
  std::vector<workload::TrainingJob> jobs;
  workload::TrainingTransport transport;
  systems::InaNetworkConfig network;
  TimeNs bin_ns = 0;
  std::vector<std::pair<std::string, Params>> resolved;
};

// An explicit job list (`workload.jobs`), one map per job; the generator keys must then be
// absent. Returns the resolved entries (empty when there is no list).
std::vector<Params> read_job_list(SectionReader& ld) {
  const YAML::Node list = SectionReader::child(ld.section("workload"), "jobs");
  std::vector<Params> out;
  if (list.IsNull()) return out;
  if (!list.IsSequence() || list.size() == 0 || list.size() > 4096) {
    ld.diag.error(ld.doc.locate(list, "workload.jobs"), "workload.jobs",
                  "expected a list of 1 to 4096 jobs, e.g. [{gradient_mb: 2, iterations: 10}]");
    return out;
  }
  for (const auto& key : workload::training_generator_keys()) {
    const YAML::Node given = SectionReader::child(ld.section("workload"), key);
    if (!given.IsNull())
      ld.diag.error(ld.doc.locate(given, "workload." + key), "workload." + key,
                    "not used when workload.jobs lists the jobs; set it per job or remove it");
  }
  const ParamSchema schema = workload::TrainingJob::binding().schema();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string prefix = "workload.jobs[" + std::to_string(i) + "]";
    const LocatedMap given = read_params_map(ld.doc, list[i], prefix, schema, {}, ld.diag);
    Params p;
    if (resolve_located(schema, given, prefix, p, ld.diag)) out.push_back(std::move(p));
  }
  return out;
}

// The workload's resolved parameters without the generator keys (when jobs are listed).
Params transport_only(const Params& workload) {
  std::map<std::string, ParamValue> kept = workload.values();
  for (const auto& key : workload::training_generator_keys()) kept.erase(key);
  return Params(std::move(kept));
}

class InaScenario final : public LoadedScenario {
 public:
  InaScenario(InaSpec spec, const Catalogs& catalogs)
      : spec_(std::move(spec)), catalogs_(catalogs) {}
  const std::string& name() const override { return spec_.name; }
  std::uint64_t seed() const override { return spec_.seed; }
  RunResult run(const RunOptions& options) const override;

 private:
  InaSpec spec_;
  const Catalogs& catalogs_;
};

RunResult InaScenario::run(const RunOptions& options) const {
  if (!options.out_dir.empty()) create_output_dir(options.out_dir);
  Simulator sim;
  auto policy = catalogs_.switch_memory.find(spec_.policy.name)->make(spec_.policy.params);
  const std::int64_t racks = std::max<std::int64_t>(1, spec_.network.racks);
  report::InaMetrics metrics(racks * spec_.sw.aggregator_slots(), spec_.sw.packet_wire_bytes(),
                             spec_.bin_ns);
  spdlog::debug("ina: switch_memory {}, {} jobs, {} aggregator slots", spec_.policy.name,
                spec_.jobs.size(), spec_.sw.aggregator_slots());
  systems::InaObserver* observer = &metrics;
  std::optional<report::AtomicFile> timeline_file;
  std::optional<report::InaTimeline> timeline;
  if (options.timeline && !options.out_dir.empty()) {
    timeline_file.emplace(options.out_dir / "timeline.json");
    observer = &timeline.emplace(timeline_file->stream(), metrics, options.timeline_max_tracks);
  }
  // racks = 0: the single-switch star; otherwise the leaf-spine with two-level aggregation.
  std::optional<systems::InaFabric> star;
  std::optional<systems::InaRackFabric> leaf_spine;
  if (spec_.network.racks == 0) {
    star.emplace(systems::InaFabric::Wiring{sim, *policy, *observer}, spec_.sw, spec_.transport,
                 spec_.jobs, spec_.seed);
    star->start();
  } else {
    leaf_spine.emplace(systems::InaRackFabric::Wiring{sim, *policy, *observer}, spec_.sw,
                       spec_.network, spec_.transport, spec_.jobs, spec_.seed);
    leaf_spine->start();
  }
  sim.set_guard(make_run_guard(options.limits));
  report::ProgressMeter meter({options.progress, options.progress_bar, options.progress_every_s},
                              spec_.name);
  const double total_jobs = static_cast<double>(spec_.jobs.size());
  if (options.progress)
    sim.set_progress_hook([&] {
      if (!meter.due()) return;
      double f = total_jobs > 0 ? static_cast<double>(metrics.jobs_finished()) / total_jobs : 0;
      if (spec_.horizon_s > 0) f = std::max(f, ns_to_seconds(sim.now()) / spec_.horizon_s);
      meter.report(f, std::to_string(metrics.jobs_finished()) + "/" +
                          std::to_string(spec_.jobs.size()) + " jobs");
    }, report::kProgressCheckEvents);
  sim.run(spec_.horizon_s > 0 ? seconds_to_ns(spec_.horizon_s) : kTimeNever);
  meter.done();
  throw_if_stopped(sim, options.limits);  // uncommitted outputs are removed on the way out
  const TimeNs end = sim.now();
  if (star) star->report_unfinished();
  if (leaf_spine) leaf_spine->report_unfinished();
  metrics.finish(end);
  if (timeline) {
    timeline->finish(end);
    if (timeline->jobs_without_track() > 0)
      spdlog::warn("timeline: {} jobs beyond the first {} have no track (--timeline-max-tracks)",
                   timeline->jobs_without_track(), options.timeline_max_tracks);
  }

  RunResult result;
  result.events = sim.events_processed();
  nlohmann::json summary = metrics.summary();
  add_run_fields(summary, ns_to_seconds(end), result.events, spec_.seed, spec_.resolved);
  result.summary = summary;
  if (!options.out_dir.empty()) {
    // All files are complete before any is renamed into place; summary.json last.
    std::ostringstream jobs, memory;
    metrics.write_jobs_csv(jobs);
    metrics.write_memory_csv(memory);
    std::vector<report::AtomicFile*> streamed;
    if (timeline_file) streamed.push_back(&*timeline_file);
    write_outputs(options,
                  {{"jobs.csv", jobs.str()},
                   {"switch_memory.csv", memory.str()},
                   {"summary.json", summary.dump(2) + "\n"}},
                  streamed);
  }
  return result;
}

}  // namespace

namespace {

std::unique_ptr<LoadedScenario> load_ina(KindReader& r) {
  SectionReader& ld = r.ld;
  Diagnostics& diag = ld.diag;
  InaSpec spec;
  Params switch_params;
  if (r.preset("switch", switch_params))
    ld.convert("switch", [&] { spec.sw = hw::SwitchSpec::binding().bind(switch_params); });
  r.select("switch_memory", spec.policy);
  const Params workload = r.plain("workload");
  const std::vector<Params> job_list = read_job_list(ld);
  const Params metrics = r.plain("metrics");
  const Params network = r.plain("network");
  diag.throw_if_any();

  spec.name = r.name();
  spec.seed = r.seed();
  spec.horizon_s = r.horizon_s();
  ld.convert("workload", [&] {
    const auto config = workload::TrainingWorkloadConfig::binding().bind(workload);
    spec.transport = config.transport;
    if (job_list.empty()) {
      spec.jobs = workload::generate_training_jobs(config, spec.seed);
      return;
    }
    for (std::size_t i = 0; i < job_list.size(); ++i) {
      workload::TrainingJob job = workload::TrainingJob::binding().bind(job_list[i]);
      job.id = static_cast<std::int32_t>(i);
      spec.jobs.push_back(job);
    }
  });
  ld.convert("network", [&] { spec.network = systems::InaNetworkConfig::binding().bind(network); });
  spec.bin_ns =
      duration_ns_ceil(InaMetricsSection::binding().bind(metrics).utilization_bin_ms * 1e-3);
  diag.throw_if_any();
  if (!job_list.empty()) r.record("workload", transport_only(workload));
  for (std::size_t i = 0; i < job_list.size(); ++i)
    r.record("workload.jobs[" + std::to_string(i) + "]", job_list[i]);
  spec.resolved = r.resolved();
  return std::make_unique<InaScenario>(std::move(spec), r.catalogs);
}

}  // namespace

SystemKind ina_kind() {
  SystemKind k;
  k.name = "ina";
  k.description =
      "in-network aggregation: training jobs share a programmable switch's aggregator memory";
  SectionDecl sw = preset_section("switch", "switch parameters ({preset: NAME, ...overrides})",
                                  "hardware",
                                  [] { return hw::SwitchSpec::binding().schema(); });
  sw.required = "the programmable switch, e.g. {preset: tofino, aggregator_memory_kb: 64}";
  k.sections = {
      std::move(sw),
      selection_section("switch_memory", "switch-memory policies", &Catalogs::switch_memory,
                        "policy", "atp"),
      plain_section("workload", "training jobs (generated)",
                    [] { return workload::TrainingWorkloadConfig::binding().schema(); }),
      items_section("workload.jobs[]",
                    "one listed job (instead of the generator keys: jobs: [{...}, ...])",
                    [] { return workload::TrainingJob::binding().schema(); }),
      plain_section("metrics", "ina metrics", ina_metrics_schema),
      plain_section("network", "racks, two-level aggregation and congestion control",
                    [] { return systems::InaNetworkConfig::binding().schema(); }),
  };
  k.load = load_ina;
  return k;
}

}  // namespace xpusim::scenario
