#include "xpusim/scenario/scenario_loader.hpp"


#include "xpusim/core/error.hpp"
#include "xpusim/scenario/device_model_sections.hpp"
#include "xpusim/workload/synthetic_source.hpp"
#include "xpusim/workload/tenant_mix_source.hpp"
#include "xpusim/scenario/faults_section.hpp"
#include "xpusim/scenario/yaml_document.hpp"
#include "xpusim/workload/session_source.hpp"

namespace xpusim::scenario {

namespace fs = std::filesystem;

ParamSchema top_level_schema() {
  ParamSchema s;
  s.string("system", "serving",
           "kind of simulated system; each kind reads its own sections (docs/scenarios.md)")
      .string("name", "", "scenario name (default: the file name without extension)")
      .integer("seed", 1, "", "seed every random stream is derived from", {.min = 0})
      .real("horizon_s", 0.0, "s", "stop simulated time here; 0 runs until every request is done",
            {.min = 0, .max = 9e9});
  return s;
}

ParamSchema cluster_schema() {
  ParamSchema s;
  s.integer("instances", 1, "", "serving instances behind the router", {.min = 1, .max = 100000})
      .integer("tensor_parallel", 1, "", "devices per instance (tensor parallelism)",
               {.min = 1, .max = 64})
      .real("tp_link_bw_gbps", 0.0, "GB/s",
            "tensor-parallel all-reduce bandwidth per direction; 0 = the device's scale-up link",
            {.min = 0})
      .real("tp_link_latency_us", 0.0, "us", "latency added to each tensor-parallel all-reduce",
            {.min = 0})
      .integer("prefill_instances", 0, "",
               "prefill-only instances (disaggregation); 0 = every instance does both phases",
               {.min = 0, .max = 100000})
      .integer("decode_instances", 0, "",
               "decode-only instances; required with prefill_instances, which then replace "
               "`instances`",
               {.min = 0, .max = 100000})
      .real("kv_link_gbps", 50.0, "GB/s",
            "KV-transfer bandwidth of each instance's network link to the switch, per direction",
            {.min = 1e-6})
      .real("kv_link_latency_us", 2.0, "us", "latency of each instance's link to the switch",
            {.min = 0})
      .choice("kv_transfer", "whole", {"whole", "per_layer"},
              "send the KV after the prefill (whole) or layer by layer during it, leaving only "
              "the last layer's share (per_layer, Splitwise)");
  return s;
}

ParamSchema prefix_cache_schema() {
  ParamSchema s;
  s.boolean("enabled", false,
            "reuse KV blocks across requests that share a prompt prefix (needs a workload with "
            "prefix hashes: trace with hash_ids, or the session source)")
      .choice("structure", "hashed", {"hashed", "radix"},
              "hashed: any unreferenced cached block may be evicted (vLLM); radix: only "
              "unreferenced leaves (SGLang)")
      .real("host_tier_gb", 0.0, "GB",
            "second tier in host memory per instance: evicted blocks are kept there (LRU) and "
            "copied back over PCIe on a hit; 0 = none",
            {.min = 0, .max = 1e6});
  return s;
}

ParamSchema slo_schema() {
  ParamSchema s;
  s.real("ttft_s", 0.0, "s", "time-to-first-token SLO for goodput; 0 = none", {.min = 0})
      .real("tpot_s", 0.0, "s", "time-per-output-token SLO for goodput; 0 = none", {.min = 0});
  return s;
}

ParamSchema tenants_schema() {
  ParamSchema s;
  s.string("weights", "",
           "comma-separated weight per tenant index (e.g. 1,2); missing tenants weigh 1. Used by "
           "weighted fairness policies and the service metrics")
      .real("input_price", 1.0, "", "service metrics: weight of one prompt token", {.min = 0})
      .real("output_price", 2.0, "", "service metrics: weight of one output token", {.min = 0})
      .real("window_s", 60.0, "s",
            "service metrics: window over which backlogged tenants' service is compared",
            {.min = 1e-3, .max = 1e9});
  return s;
}

namespace {

using Loader = SectionReader;

// Disaggregation needs both pools; `instances`, if given, must agree with them; the decode
// side takes prefilled KV through the swapped queue, which only the vllm policy schedules.
void check_disaggregation(Loader& ld, ScenarioSpec& spec) {
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
    if (spec.batching.name != "vllm")
      ld.diag.error(at, "batching.policy",
                    "disaggregation supports the vllm batching policy only (decode instances "
                    "take prefilled KV through its swapped queue), not '" + spec.batching.name + "'");
    spec.instances = sum;
  }
  ld.diag.throw_if_any();
}

// Scenario-size guard: past this many simulated devices a run's setup alone takes minutes and
// its per-device outputs are unreadable; a typo (an extra zero) is the likelier cause.
constexpr std::int64_t kMaxDevices = 16384;

void check_size(Loader& ld, const ScenarioSpec& spec) {
  const std::int64_t devices = std::int64_t{spec.instances} * spec.tensor_parallel;
  if (devices <= kMaxDevices) return;
  const YAML::Node cluster = ld.section("cluster");
  const YAML::Node given = Loader::child(cluster, "instances");
  ld.diag.error(ld.doc.locate(given.IsNull() ? cluster : given, "cluster.instances"), "cluster.instances",
                "scenario too large: " + std::to_string(spec.instances) + " instances x " +
                    std::to_string(spec.tensor_parallel) + " devices = " + std::to_string(devices) +
                    " devices (the limit is " + std::to_string(kMaxDevices) + ")");
  ld.diag.throw_if_any();
}

// Migration moves decoding requests between colocated instances and resumes them through
// the swapped queue, which only the vllm policy schedules.
void check_migration(Loader& ld, const ScenarioSpec& spec) {
  if (spec.migration.name == "none") return;
  const Location at = ld.doc.locate(Loader::child(ld.section("cluster"), "migration"), "cluster.migration");
  if (spec.disaggregated())
    ld.diag.error(at, "cluster.migration.policy",
                  "migration is between colocated instances; set it to none with prefill_instances");
  if (spec.batching.name != "vllm")
    ld.diag.error(at, "batching.policy",
                  "migration supports the vllm batching policy only (a migrated request resumes "
                  "through its swapped queue), not '" + spec.batching.name + "'");
  ld.diag.throw_if_any();
}

// The prefix cache lives in colocated instances and stays with the sequences it serves.
void check_prefix_cache(Loader& ld, const ScenarioSpec& spec) {
  if (!spec.prefix_cache) return;
  const Location at = ld.doc.locate(Loader::child(ld.section("prefix_cache"), "enabled"),
                                    "prefix_cache.enabled");
  if (spec.disaggregated())
    ld.diag.error(at, "prefix_cache.enabled",
                  "prefix caching is implemented for colocated instances only; remove "
                  "cluster.prefill_instances or disable the cache");
  if (spec.migration.name != "none")
    ld.diag.error(at, "prefix_cache.enabled",
                  "prefix caching cannot be combined with live migration yet; set "
                  "cluster.migration.policy to none or disable the cache");
  ld.diag.throw_if_any();
}

}  // namespace

ScenarioSpec load_scenario(const fs::path& path, const std::vector<std::string>& overrides,
                           const Catalogs& catalogs) {
  YamlDocument doc = YamlDocument::load(path);
  Diagnostics diag;
  for (const auto& o : overrides) doc.apply_override(o, diag);
  return load_serving_spec(doc, diag, catalogs);
}

ScenarioSpec load_serving_spec(const YamlDocument& doc, Diagnostics& diag, const Catalogs& catalogs) {
  const fs::path& path = doc.path();
  ScenarioSpec spec;
  spec.path = path;
  Loader ld{doc, diag};
  ld.require("hardware", "the device each instance runs on, e.g. {preset: h100-sxm}");
  ld.require("model", "the model served, e.g. {preset: llama-3-8b}");
  ld.require("workload", "what arrives, e.g. {source: synthetic, rate_per_s: 4}");

  // Top-level scalars share the generic reader; the sections are skipped as extra keys.
  const ParamSchema top = top_level_schema();
  Params top_params = ld.plain("", top, {"hardware", "decode_hardware", "model",
                                               "execution", "cluster", "instance", "batching",
                                               "workload", "slo", "fairness", "tenants", "prefix_cache",
                                               "faults"});
  // (read_params_map on the root with an empty prefix; unknown keys were reported above)
  DeviceAndModel dm = read_device_and_model(ld);
  spec.device = dm.device;
  spec.model = dm.model;
  const Params& device_params = dm.device_params;
  const Params& model_params = dm.model_params;
  // Splitwise-style heterogeneous pools: decode instances on other hardware (optional).
  Params decode_device_params;
  if (!ld.section("decode_hardware").IsNull() &&
      ld.read_with_preset("decode_hardware", "hardware", hw::device_schema(), decode_device_params))
    ld.convert("decode_hardware", [&] {
      spec.decode_device = hw::device_spec_from_params(decode_device_params);
    });

  ld.read_selection(ld.section("execution"), "execution", "model", "roofline", catalogs.execution, spec.execution);
  const Params cluster = ld.plain("cluster", cluster_schema(), {"router", "migration"});
  const YAML::Node router_node = Loader::child(ld.section("cluster"), "router");
  ld.read_selection(router_node, "cluster.router", "policy", "round_robin", catalogs.routers, spec.router);
  const YAML::Node migration_node = Loader::child(ld.section("cluster"), "migration");
  ld.read_selection(migration_node, "cluster.migration", "policy", "none", catalogs.migration,
                    spec.migration);
  const Params instance = ld.plain("instance", systems::InstanceConfig::schema());
  ld.read_selection(ld.section("batching"), "batching", "policy", "vllm", catalogs.batching, spec.batching);
  ld.read_selection(ld.section("fairness"), "fairness", "policy", "fcfs", catalogs.fairness, spec.fairness);
  const Params tenants = ld.plain("tenants", tenants_schema());
  ld.convert("tenants", [&] {
    if (tenants.has("weights"))
      spec.tenant_weights = policy::parse_tenant_weights(tenants.string("weights"), "weights");
  });
  const bool have_workload =
      !ld.section("workload").IsNull() &&
      ld.read_selection(ld.section("workload"), "workload", "source", "", catalogs.sources, spec.workload);
  const Params slo = ld.plain("slo", slo_schema());
  // Cross-parameter rules of the generated sources are checked now, so `validate` reports them
  // with the section's location instead of the run failing later.
  if (have_workload && spec.workload.name == "tenant_mix")
    ld.convert("workload", [&] { workload::TenantMixSource::config_from(spec.workload.params); });
  if (have_workload && spec.workload.name == "synthetic")
    ld.convert("workload", [&] {
      workload::SyntheticSource::config_from(spec.workload.params, {0, path.parent_path()});
    });
  // Cross-parameter checks of the session source, reported at load like any other key.
  if (have_workload && spec.workload.name == "sessions")
    ld.convert("workload", [&] { (void)workload::SessionSource::config_from(spec.workload.params); });
  const Params prefix = ld.plain("prefix_cache", prefix_cache_schema(), {"eviction"});
  ld.read_selection(Loader::child(ld.section("prefix_cache"), "eviction"), "prefix_cache.eviction",
                    "policy", "lru", catalogs.eviction, spec.eviction);
  diag.throw_if_any();

  spec.name = top_params.string("name").empty() ? path.stem().string() : top_params.string("name");
  spec.seed = static_cast<std::uint64_t>(top_params.integer("seed"));
  spec.horizon_s = top_params.real("horizon_s");
  spec.instances = static_cast<int>(cluster.integer("instances"));
  spec.tensor_parallel = static_cast<int>(cluster.integer("tensor_parallel"));
  spec.tp_link_bw_bytes_per_s = cluster.real("tp_link_bw_gbps") * 1e9;
  spec.tp_link_latency_s = cluster.real("tp_link_latency_us") * 1e-6;
  spec.prefill_instances = static_cast<int>(cluster.integer("prefill_instances"));
  spec.decode_instances = static_cast<int>(cluster.integer("decode_instances"));
  spec.kv_link_bw_bytes_per_s = cluster.real("kv_link_gbps") * 1e9;
  spec.kv_link_latency_s = cluster.real("kv_link_latency_us") * 1e-6;
  spec.kv_transfer_per_layer = cluster.string("kv_transfer") == "per_layer";
  if (spec.decode_device && !spec.disaggregated())
    ld.diag.error(ld.doc.locate(ld.section("decode_hardware"), "decode_hardware"), "decode_hardware",
                  "applies to decode instances only; set cluster.prefill_instances and "
                  "cluster.decode_instances, or remove it");
  check_disaggregation(ld, spec);
  check_size(ld, spec);
  check_migration(ld, spec);
  spec.prefix_cache = prefix.boolean("enabled");
  spec.prefix_radix = prefix.string("structure") == "radix";
  spec.prefix_host_tier_bytes = prefix.real("host_tier_gb") * 1e9;
  check_prefix_cache(ld, spec);
  spec.instance = systems::InstanceConfig::from(instance);
  spec.slo_ttft_s = slo.real("ttft_s");
  spec.slo_tpot_s = slo.real("tpot_s");
  if (tenants.has("input_price")) {
    spec.service_input_price = tenants.real("input_price");
    spec.service_output_price = tenants.real("output_price");
    spec.service_window_s = tenants.real("window_s");
  }
  Params faults;
  spec.faults = read_faults(ld, spec.instances, spec.horizon_s, spec.seed, faults);
  if (spec.faults && spec.faults->instance_faults() &&
      (spec.disaggregated() || spec.migration.name != "none"))
    ld.diag.error(ld.doc.locate(ld.section("faults"), "faults"), "faults",
                  "instance failures are modelled for colocated clusters without migration only "
                  "(link failures, faults.links, for the others)");
  if (spec.faults && spec.faults->instance_faults() && spec.prefix_cache)
    ld.diag.error(ld.doc.locate(ld.section("faults"), "faults"), "faults",
                  "instance failures are not modelled together with prefix_cache.enabled yet (a "
                  "failed instance would have to drop its cached blocks); disable one of them");
  if (spec.faults && !spec.faults->links.empty()) {
    // Instances with a link to the KV switch, named as the simulation names them.
    std::vector<std::string> hosts;
    if (spec.disaggregated()) {
      for (int i = 0; i < spec.prefill_instances; ++i) hosts.push_back("prefill" + std::to_string(i));
      for (int i = 0; i < spec.decode_instances; ++i) hosts.push_back("decode" + std::to_string(i));
    } else if (spec.migration.name != "none") {
      for (int i = 0; i < spec.instances; ++i) hosts.push_back("inst" + std::to_string(i));
    }
    check_fault_targets(ld, *spec.faults, hosts,
                        "a colocated cluster without migration has no KV-transfer links; link "
                        "failures apply to disaggregated clusters and clusters with migration");
  }
  ld.diag.throw_if_any();
  spec.resolved = {{"scenario", top_params},          {"hardware", device_params},
                   {"model", model_params},           {"execution", spec.execution.params},
                   {"cluster", cluster},              {"cluster.router", spec.router.params},
                   {"cluster.migration", spec.migration.params},
                   {"instance", instance},            {"batching", spec.batching.params},
                   {"fairness", spec.fairness.params}, {"tenants", tenants},
                   {"workload", spec.workload.params}, {"slo", slo},
                   {"prefix_cache", prefix},          {"prefix_cache.eviction", spec.eviction.params}};
  if (spec.faults) spec.resolved.push_back({"faults", faults});
  if (spec.decode_device) spec.resolved.insert(spec.resolved.begin() + 2, {"decode_hardware", decode_device_params});
  return spec;
}

}  // namespace xpusim::scenario
