#include "xpusim/scenario/system_kinds.hpp"

#include "xpusim/scenario/device_model_sections.hpp"
#include "xpusim/scenario/run_guard.hpp"
#include "xpusim/scenario/run_outputs.hpp"

#include <algorithm>
#include <optional>
#include <utility>
#include <sstream>
#include <vector>

#include "xpusim/core/params.hpp"
#include "xpusim/core/simulator.hpp"
#include "xpusim/hw/soc_spec.hpp"
#include "xpusim/model/model_spec.hpp"
#include "xpusim/report/atomic_file.hpp"
#include "xpusim/report/energy_meter.hpp"
#include "xpusim/report/flow_metrics.hpp"
#include "xpusim/report/progress_meter.hpp"
#include "xpusim/report/text_format.hpp"
#include "xpusim/report/timeline_writer.hpp"
#include "xpusim/scenario/section_reader.hpp"
#include "xpusim/systems/soc_runtime.hpp"
#include "xpusim/workload/agent_flow.hpp"

namespace xpusim::scenario {
namespace {

struct SocSpecs {
  std::string name;
  std::uint64_t seed = 1;
  double horizon_s = 0;
  hw::SocSpec soc;
  model::ModelSpec model;
  Selection policy;
  Selection dvfs;
  std::vector<workload::AgentFlow> flows;
  std::vector<std::pair<std::string, Params>> resolved;  // section -> parameters, for summary.json
};


class SocScenario final : public LoadedScenario {
 public:
  SocScenario(SocSpecs specs, const Catalogs& catalogs)
      : s_(std::move(specs)), catalogs_(catalogs) {}
  const std::string& name() const override { return s_.name; }
  std::uint64_t seed() const override { return s_.seed; }
  RunResult run(const RunOptions& options) const override;

 private:
  SocSpecs s_;
  const Catalogs& catalogs_;
};

// Busy time and busy energy of each engine at each of its clock levels; null when every engine
// ran only at its top level (no DVFS happened, so the summary stays as it was without it).
nlohmann::json dvfs_summary(const hw::SocSpec& spec, const systems::SocRuntime& soc) {
  nlohmann::json out = nlohmann::json::object();
  bool below_top = false;
  for (auto e : {hw::EngineKind::Cpu, hw::EngineKind::Igpu, hw::EngineKind::Npu}) {
    const hw::EngineSpec& es = spec.engine(e);
    const auto& busy = soc.level_busy_ns(e);
    nlohmann::json levels = nlohmann::json::array();
    for (std::size_t i = 0; i < busy.size(); ++i) {
      const hw::DvfsLevel& l = es.levels()[i];
      const double power = es.device.idle_power_w +
                           (es.device.max_power_w - es.device.idle_power_w) *
                               l.dynamic_power_fraction();
      const double s = ns_to_seconds(busy[i]);
      if (i + 1 < busy.size() && busy[i] > 0) below_top = true;
      levels.push_back({{"clock", l.clock},
                        {"voltage", l.voltage},
                        {"busy_power_w", power},
                        {"busy_s", s},
                        {"busy_energy_j", power * s}});
    }
    out[hw::engine_name(e)] = std::move(levels);
  }
  return below_top ? out : nlohmann::json();
}

RunResult SocScenario::run(const RunOptions& options) const {
  Simulator sim;
  auto scheduler = catalogs_.flow_scheduling.find(s_.policy.name)->make(s_.policy.params);
  systems::SocRuntime soc(sim, s_.soc, s_.model, *scheduler, s_.flows);
  auto governor = catalogs_.dvfs.find(s_.dvfs.name)->make(s_.dvfs.params);
  soc.set_dvfs_governor(*governor);
  report::EnergyMeter energy;
  for (auto e : {hw::EngineKind::Cpu, hw::EngineKind::Igpu, hw::EngineKind::Npu})
    energy.attach(soc.device(e));
  report::FlowMetrics metrics;
  soc.add_observer(metrics);
  // Timeline: one track per engine showing each operator group (class, stage, kind of work).
  std::optional<report::AtomicFile> timeline_file;
  std::optional<report::TimelineWriter> timeline;
  if (options.timeline && !options.out_dir.empty()) {
    create_output_dir(options.out_dir);
    timeline_file.emplace(options.out_dir / "timeline.json");
    timeline.emplace(timeline_file->stream(),
                     report::TimelineOptions{.max_request_tracks = 0, .iterations = false});
    for (auto e : {hw::EngineKind::Cpu, hw::EngineKind::Igpu, hw::EngineKind::Npu})
      timeline->attach(soc.device(e));
  }
  soc.start();
  sim.set_guard(make_run_guard(options.limits));
  report::ProgressMeter meter({options.progress, options.progress_bar, options.progress_every_s},
                              s_.name);
  std::int64_t total_turns = 0;
  for (const auto& f : s_.flows) total_turns += static_cast<std::int64_t>(f.turns.size());
  if (options.progress)
    sim.set_progress_hook([&] {
      if (!meter.due()) return;
      double f = total_turns > 0 ? static_cast<double>(soc.turns_completed()) /
                                       static_cast<double>(total_turns) : 0;
      if (s_.horizon_s > 0) f = std::max(f, ns_to_seconds(sim.now()) / s_.horizon_s);
      meter.report(f, std::to_string(soc.turns_completed()) + "/" + std::to_string(total_turns) +
                          " turns");
    }, report::kProgressCheckEvents);
  sim.run(s_.horizon_s > 0 ? seconds_to_ns(s_.horizon_s) : kTimeNever);
  meter.done();
  throw_if_stopped(sim, options.limits);  // uncommitted outputs are removed on the way out
  const TimeNs end = s_.horizon_s > 0 ? seconds_to_ns(s_.horizon_s) : sim.now();
  energy.finish(end);
  if (timeline) timeline->finish(end);

  RunResult result;
  result.events = sim.events_processed();
  nlohmann::json& j = result.summary;
  j = metrics.summary(ns_to_seconds(end));
  const nlohmann::json e = energy.summary(metrics.output_tokens());
  for (auto it = e.begin(); it != e.end(); ++it) j[it.key()] = it.value();
  j["igpu_busy_fraction"] = energy.busy_fraction(soc.device(hw::EngineKind::Igpu).id());
  j["turns"] = {{"started", soc.turns_started()},
                {"completed", soc.turns_completed()},
                {"unfinished", soc.turns_started() - soc.turns_completed()}};
  j["flows"] = s_.flows.size();
  j["operator_groups_run"] = soc.groups_run();
  j["kv"] = {{"budget_gb", soc.kv_budget_bytes() / 1e9},
             {"peak_reserved_gb", soc.kv_peak_bytes() / 1e9},
             {"flows_queued", soc.flows_queued_for_kv()}};
  if (auto levels = dvfs_summary(s_.soc, soc); !levels.is_null()) j["dvfs"] = std::move(levels);
  add_run_fields(j, ns_to_seconds(end), result.events, s_.seed, s_.resolved);
  if (!options.out_dir.empty()) {
    std::ostringstream turns, devices;
    metrics.write_turns_csv(turns);
    energy.write_devices_csv(devices);
    std::vector<report::AtomicFile*> streamed;
    if (timeline_file) streamed.push_back(&*timeline_file);
    write_outputs(options,
                  {{"turns.csv", turns.str()}, {"devices.csv", devices.str()},
                   {"summary.json", j.dump(2) + "\n"}},  // last: its presence means "complete"
                  streamed);
  }
  return result;
}

}  // namespace

namespace {

// The KV budget must fit the DDR beside the weights, and every flow's KV must fit the budget
// (a flow that never fits would wait for ever).
void check_kv_budget(const SocSpecs& s) {
  const double free_bytes = s.soc.ddr_bytes - s.model.weight_bytes();
  if (s.soc.kv_budget_bytes > free_bytes)
    throw ParamError("kv_budget_gb",
                     "KV budget " + report::format_fixed(s.soc.kv_budget_bytes / 1e9, 2) +
                         " GB exceeds the DDR the weights leave (" +
                         report::format_fixed(free_bytes / 1e9, 2) + " GB)");
  const double budget = systems::SocRuntime::kv_budget_bytes(s.soc, s.model);
  for (const workload::AgentFlow& f : s.flows) {
    const double need = systems::SocRuntime::flow_kv_bytes(s.model, f);
    if (need > budget)
      throw ParamError("kv_budget_gb",
                       "flow " + std::to_string(f.id) + " needs " +
                           report::format_fixed(need / 1e9, 3) +
                           " GB of KV cache (all its turns' tokens), more than the KV budget (" +
                           report::format_fixed(budget / 1e9, 3) +
                           " GB); raise kv_budget_gb or shorten the workload's flows");
  }
}

std::unique_ptr<LoadedScenario> load_soc(KindReader& r) {
  SectionReader& ld = r.ld;
  Diagnostics& diag = ld.diag;
  const YamlDocument& doc = ld.doc;
  SocSpecs s;
  Params soc_params, model_params;
  const bool have_soc = r.preset("soc", soc_params);
  const bool have_model = read_model_section(ld, model_params);
  if (have_model) r.record("model", model_params);
  if (have_soc) ld.convert("soc", [&] { s.soc = hw::SocSpec::binding().bind(soc_params); });
  if (have_model)
    ld.convert("model", [&] { s.model = model::ModelSpec::binding().bind(model_params); });
  r.select("flow_scheduling", s.policy);
  r.select("dvfs", s.dvfs);
  const Params workload = r.plain("workload");
  diag.throw_if_any();
  // The weights live in the shared DDR; the KV caches share what they leave (soc.kv_budget_gb).
  if (s.model.weight_bytes() > s.soc.ddr_bytes)
    diag.error(doc.locate(ld.section("model"), "model"), "model",
               "weights of '" + s.model.name + "' (" +
                   report::format_fixed(s.model.weight_bytes() / 1e9, 1) +
                   " GB) do not fit the SoC's shared DDR (" +
                   report::format_fixed(s.soc.ddr_bytes / 1e9, 1) +
                   " GB); use a smaller model or narrower dtype (e.g. dtype: int4)");
  diag.throw_if_any();

  s.name = r.name();
  s.seed = r.seed();
  s.horizon_s = r.horizon_s();
  ld.convert("workload", [&] {
    const auto config = workload::AgentWorkloadConfig::binding().bind(workload);
    s.flows = workload::load_agent_flows(config, s.seed, doc.path().parent_path());
  });
  diag.throw_if_any();
  ld.convert("soc", [&] { check_kv_budget(s); });
  diag.throw_if_any();
  s.resolved = r.resolved();
  return std::make_unique<SocScenario>(std::move(s), r.catalogs);
}

}  // namespace

SystemKind soc_kind() {
  SystemKind k;
  k.name = "soc";
  k.description = "agent flows (reactive, proactive) on one CPU + iGPU + NPU SoC with shared DDR";
  SectionDecl soc = preset_section("soc", "SoC parameters ({preset: NAME, ...overrides})",
                                   "hardware", [] { return hw::SocSpec::binding().schema(); });
  soc.required = "the SoC the flows run on, e.g. {preset: intel-core-ultra-7-258v}";
  k.sections = {
      std::move(soc),
      model_section("the model every flow uses, e.g. {preset: llama-3-8b, dtype: int4}"),
      selection_section("flow_scheduling", "flow-scheduling policies", &Catalogs::flow_scheduling,
                        "policy", "agent_xpu"),
      selection_section("dvfs", "DVFS governors (clock level per engine dispatch)", &Catalogs::dvfs,
                        "policy", "max"),
      plain_section("workload", "agent flows",
                    [] { return workload::AgentWorkloadConfig::binding().schema(); }),
  };
  k.load = load_soc;
  return k;
}

}  // namespace xpusim::scenario
