#include "xpusim/scenario/scenario_loader.hpp"

#include <algorithm>
#include <map>

#include "xpusim/core/error.hpp"
#include "xpusim/scenario/device_model_sections.hpp"
#include "xpusim/scenario/faults_section.hpp"
#include "xpusim/scenario/section_presets.hpp"
#include "xpusim/scenario/serving_expert_parallel.hpp"
#include "xpusim/scenario/serving_offload.hpp"
#include "xpusim/scenario/serving_sections.hpp"
#include "xpusim/scenario/system_kinds.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::scenario {

namespace fs = std::filesystem;

namespace {

using Loader = SectionReader;

// Disaggregation needs both pools; `instances`, if given, must agree with them; the decode
// side takes prefilled KV through the swapped queue, which only the vllm policy schedules.
void check_disaggregation(Loader& ld, ScenarioSpec& spec, Params& cluster_params) {
  const YAML::Node cluster = ld.section("cluster");
  const Location at = ld.doc.locate(cluster, "cluster");
  if ((spec.prefill_instances > 0) != (spec.decode_instances > 0)) {
    ld.diag.error(at, spec.prefill_instances > 0 ? "cluster.decode_instances" : "cluster.prefill_instances",
                  "prefill_instances and decode_instances must both be > 0 (disaggregated) or "
                  "both 0 (colocated)");
  } else if (spec.disaggregated()) {
    const int sum = spec.prefill_instances + spec.decode_instances;
    const YAML::Node given = Loader::child(cluster, "instances");
    if (!given.IsNull() && spec.instances != sum)
      ld.diag.error(ld.doc.locate(given, "cluster.instances"), "cluster.instances",
                    "is " + std::to_string(spec.instances) + " but prefill_instances + "
                    "decode_instances = " + std::to_string(sum) + "; leave it out or make them agree");
    spec.instances = sum;
  }
  // The resolved scenario states the instances that run (scenario.yaml must load back).
  if (spec.disaggregated()) cluster_params.set("instances", std::int64_t{spec.instances});
  ld.diag.throw_if_any();
}

// Scenario-size guard: past this many simulated devices a run's setup alone takes minutes and
// its per-device outputs are unreadable; a typo (an extra zero) is the likelier cause.
constexpr std::int64_t kMaxDevices = 16384;

void check_size(Loader& ld, const ScenarioSpec& spec) {
  const int per_instance = std::max(spec.devices_per_instance(), spec.devices_per_instance(true));
  const std::int64_t devices = std::int64_t{spec.instances} * per_instance;
  if (devices <= kMaxDevices) {
    std::int64_t in_pools = 0;  // with cluster.pools: every pool's instances x devices
    for (const auto& p : spec.pools) in_pools += std::int64_t{p.count} * p.devices_per_instance();
    if (in_pools > kMaxDevices)
      ld.diag.error(ld.doc.locate(ld.section("cluster"), "cluster.pools"), "cluster.pools",
                    "scenario too large: " + std::to_string(in_pools) +
                        " devices in the pools (the limit is " + std::to_string(kMaxDevices) + ")");
    ld.diag.throw_if_any();
    return;
  }
  const YAML::Node cluster = ld.section("cluster");
  const YAML::Node given = Loader::child(cluster, "instances");
  ld.diag.error(ld.doc.locate(given.IsNull() ? cluster : given, "cluster.instances"),
                "cluster.instances",
                "scenario too large: " + std::to_string(spec.instances) + " instances x " +
                    std::to_string(per_instance) + " devices = " + std::to_string(devices) +
                    " devices (the limit is " + std::to_string(kMaxDevices) + ")");
  ld.diag.throw_if_any();
}

// Migration moves decoding requests between colocated instances. Which pools a batching
// policy can run and whether it resumes migrated KV are the policy's declared capabilities
// (every built-in policy can; docs/serving.md).
// Whether the selected migration policy migrates at all (a periodic check), as the simulation
// decides it.
bool migrating(const ScenarioSpec& spec, const Catalogs& catalogs) {
  return catalogs.migration.find(spec.migration.name)->make(spec.migration.params)->settings().interval_s > 0;
}

// cluster.autoscale (docs/serving.md, "Auto-scaling"): read only when given, so configs without
// it resolve as before; one colocated pool, no faults, min <= instances <= max.
void read_autoscale(KindReader& r, ScenarioSpec& spec) {
  Loader& ld = r.ld;
  const YAML::Node node = ld.section("cluster.autoscale");
  if (node.IsNull()) return;
  const Params p = r.plain("cluster.autoscale");
  if (!ld.diag.ok()) return;
  spec.autoscale = policy::FreenessScaling::binding().bind(p);
  auto& a = spec.autoscale;
  if (!a.enabled) return;
  if (a.max_instances == 0) a.max_instances = spec.instances;
  const Location at = ld.doc.locate(node, "cluster.autoscale");
  if (spec.disaggregated() || spec.explicit_pools)
    ld.diag.error(at, "cluster.autoscale.enabled",
                  "auto-scaling needs one colocated pool (no prefill_instances or pools)");
  if (spec.faults)
    ld.diag.error(at, "cluster.autoscale.enabled", "auto-scaling and faults cannot be combined");
  if (!(a.min_instances <= spec.instances && spec.instances <= a.max_instances))
    ld.diag.error(at, "cluster.autoscale.max_instances",
                  "expected min_instances (" + std::to_string(a.min_instances) +
                      ") <= cluster.instances (" + std::to_string(spec.instances) +
                      ") <= max_instances (" + std::to_string(a.max_instances) + ")");
  const std::int64_t devices = std::int64_t{a.max_instances} * spec.devices_per_instance();
  if (devices > kMaxDevices)
    ld.diag.error(at, "cluster.autoscale.max_instances",
                  "scenario too large: " + std::to_string(a.max_instances) + " instances x " +
                      std::to_string(spec.devices_per_instance()) + " devices = " +
                      std::to_string(devices) + " devices (the limit is " +
                      std::to_string(kMaxDevices) + ")");
  if (a.scale_down_freeness <= a.scale_up_freeness)
    ld.diag.error(at, "cluster.autoscale.scale_down_freeness",
                  "expected scale_down_freeness above scale_up_freeness (else it scales up and "
                  "down at once)");
}

void check_migration(Loader& ld, const ScenarioSpec& spec, const Catalogs& catalogs) {
  const Location at = ld.doc.locate(Loader::child(ld.section("cluster"), "migration"), "cluster.migration");
  policy::BatchingCapabilities caps;
  ld.convert("batching", [&] {
    caps = catalogs.batching.find(spec.batching.name)->make(spec.batching.params)->capabilities();
  });
  const bool migrates = migrating(spec, catalogs);
  if (migrates && spec.disaggregated())
    ld.diag.error(at, "cluster.migration.policy",
                  "migration is between colocated instances; set it to none with prefill_instances");
  if (migrates && !caps.migration_target)
    ld.diag.error(at, "batching.policy",
                  "batching policy '" + spec.batching.name + "' cannot resume a migrated request");
  if (spec.disaggregated() && !(caps.prefill_pool && caps.decode_pool))
    ld.diag.error(ld.doc.locate(ld.section("batching"), "batching"), "batching.policy",
                  "batching policy '" + spec.batching.name + "' cannot run " +
                      (caps.prefill_pool ? "a decode" : "a prefill") + " pool");
  ld.diag.throw_if_any();
}

// Priority scheduling preempts running requests, so the batching policy must be one that
// preempts; fairness-driven ranks only exist with priority scheduling on.
void check_priority(Loader& ld, const ScenarioSpec& spec, const Catalogs& catalogs) {
  const YAML::Node instance = ld.section("instance");
  if (spec.instance.reprioritize_every > 0 && !spec.instance.preempt_for_priority)
    ld.diag.error(ld.doc.locate(Loader::child(instance, "reprioritize_every"), "instance.reprioritize_every"),
                  "instance.reprioritize_every",
                  "re-prioritising by fairness needs instance.preempt_for_priority: true");
  if (!spec.instance.preempt_for_priority) return ld.diag.throw_if_any();
  policy::BatchingCapabilities caps;
  ld.convert("batching", [&] {
    caps = catalogs.batching.find(spec.batching.name)->make(spec.batching.params)->capabilities();
  });
  if (!caps.preempts)
    ld.diag.error(ld.doc.locate(Loader::child(instance, "preempt_for_priority"),
                                "instance.preempt_for_priority"),
                  "instance.preempt_for_priority",
                  "batching policy '" + spec.batching.name +
                      "' never preempts; priority scheduling needs one that does (vllm, sarathi, "
                      "layered_prefill, equinox)");
  ld.diag.throw_if_any();
}

// A cluster key recorded only when given, so scenarios without it resolve as before.
Params without(const Params& params, const std::string& key) {
  std::map<std::string, ParamValue> values = params.values();
  values.erase(key);
  return Params(std::move(values));
}

}  // namespace

ScenarioSpec load_scenario(const fs::path& path, const std::vector<std::string>& overrides,
                           const Catalogs& catalogs) {
  YamlDocument doc = YamlDocument::load(path);
  Diagnostics diag;
  for (const auto& o : overrides) doc.apply_override(o, diag);
  expand_section_presets(doc, diag);
  const SystemKind kind = serving_kind();
  KindReader reader(kind, doc, diag, catalogs);
  return load_serving_spec(reader);
}

ScenarioSpec load_serving_spec(KindReader& r) {
  Loader& ld = r.ld;
  Diagnostics& diag = ld.diag;
  const Catalogs& catalogs = r.catalogs;
  ScenarioSpec spec;
  spec.path = ld.doc.path();
  DeviceAndModel dm = read_device_and_model(r);
  spec.device = dm.device;
  spec.model = dm.model;
  // Splitwise-style heterogeneous pools: decode instances on other hardware (optional).
  Params decode_device_params;
  if (r.preset("decode_hardware", decode_device_params))
    ld.convert("decode_hardware", [&] {
      spec.decode_device = hw::DeviceSpec::binding().bind(decode_device_params);
    });

  r.select("execution", spec.execution);
  Params engine_params;  // engine: {preset: vllm-v1 | FILE.yaml, KEY: override}; absent = none
  if (r.preset("engine", engine_params))
    ld.convert("engine", [&] { spec.engine = model::EngineOverhead::binding().bind(engine_params); });
  Params cluster = r.plain("cluster");
  r.select("cluster.router", spec.router);
  r.select("cluster.migration", spec.migration);
  const Params instance = r.plain("instance");
  r.select("batching", spec.batching);
  r.select("fairness", spec.fairness);
  const Params tenants = r.plain("tenants");
  ld.convert("tenants", [&] { tenants_binding().bind_into(tenants, spec); });
  const bool have_workload = !ld.section("workload").IsNull() && r.select("workload", spec.workload);
  const Params slo = r.plain("slo");
  // Cross-parameter rules of the sources are checked now (by binding the parameters), so
  // `validate` reports them with the section's location instead of the run failing later.
  if (have_workload)
    if (const auto* source = catalogs.sources.find(spec.workload.name); source && source->read_back)
      ld.convert("workload", [&] { (void)source->read_back(spec.workload.params); });
  const Params prefix = r.plain("prefix_cache");
  r.select("prefix_cache.eviction", spec.eviction);
  diag.throw_if_any();

  spec.name = r.name();
  spec.seed = r.seed();
  spec.horizon_s = r.horizon_s();
  cluster_binding().bind_into(cluster, spec);
  if (spec.decode_device && !spec.disaggregated() && !has_cluster_pools(r))
    ld.diag.error(ld.doc.locate(ld.section("decode_hardware"), "decode_hardware"), "decode_hardware",
                  "applies to decode instances only; set cluster.prefill_instances and "
                  "cluster.decode_instances, or remove it");
  check_disaggregation(ld, spec, cluster);
  if (spec.expert_parallel == 0) cluster = without(cluster, "expert_parallel");
  if (spec.decode_expert_parallel == 0) cluster = without(cluster, "decode_expert_parallel");
  read_cluster_pools(r, spec, cluster);
  r.record("cluster", cluster);  // the instances that run (scenario.yaml must load back)
  read_expert_parallel(r, spec);
  read_expert_offload(r, spec);
  ld.diag.throw_if_any();
  check_size(ld, spec);
  check_migration(ld, spec, catalogs);
  prefix_cache_binding().bind_into(prefix, spec);
  spec.instance = systems::InstanceConfig::binding().bind(instance);
  check_priority(ld, spec, catalogs);
  slo_binding().bind_into(slo, spec);
  Params faults;
  spec.faults = read_faults(ld, spec.instances, spec.horizon_s, spec.seed, faults);
  if (spec.faults && spec.faults->link_faults()) {
    // Instances with a link to the KV switch, named as the simulation names them.
    std::vector<std::string> hosts;
    if (spec.disaggregated()) {
      for (int i = 0; i < spec.prefill_instances; ++i) hosts.push_back("prefill" + std::to_string(i));
      for (int i = 0; i < spec.decode_instances; ++i) hosts.push_back("decode" + std::to_string(i));
    } else if (migrating(spec, catalogs)) {
      for (int i = 0; i < spec.instances; ++i) hosts.push_back("inst" + std::to_string(i));
    }
    check_fault_targets(ld, *spec.faults, hosts,
                        "a colocated cluster without migration has no KV-transfer links; link "
                        "failures apply to disaggregated clusters and clusters with migration");
  }
  ld.diag.throw_if_any();
  if (spec.faults) r.record("faults", faults);
  read_autoscale(r, spec);
  ld.diag.throw_if_any();
  spec.resolved = r.resolved();
  return spec;
}

}  // namespace xpusim::scenario
