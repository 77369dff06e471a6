#include "xpusim/scenario/scenario_loader.hpp"

#include <cstdlib>
#include <sstream>

#include "xpusim/core/error.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::scenario {

namespace fs = std::filesystem;

ParamSchema top_level_schema() {
  ParamSchema s;
  s.string("name", "", "scenario name (default: the file name without extension)")
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

ParamSchema slo_schema() {
  ParamSchema s;
  s.real("ttft_s", 0.0, "s", "time-to-first-token SLO for goodput; 0 = none", {.min = 0})
      .real("tpot_s", 0.0, "s", "time-per-output-token SLO for goodput; 0 = none", {.min = 0});
  return s;
}

std::vector<fs::path> preset_roots(const fs::path& scenario_path) {
  std::vector<fs::path> roots;
  if (const char* env = std::getenv("XPUSIM_PRESET_PATH")) {
    std::stringstream ss(env);
    for (std::string dir; std::getline(ss, dir, ':');)
      if (!dir.empty()) roots.emplace_back(dir);
  }
  const fs::path dir = scenario_path.parent_path().empty() ? fs::path(".") : scenario_path.parent_path();
  roots.push_back(dir);
  roots.push_back(dir / "..");
  roots.push_back(dir / ".." / "configs");
  roots.emplace_back(fs::path(XPUSIM_SOURCE_DIR) / "configs");
  return roots;
}

namespace {

// Loading state shared by the section readers.
struct Loader {
  const YamlDocument& doc;
  const Catalogs& catalogs;
  Diagnostics& diag;
  ScenarioSpec& spec;

  // yaml-cpp's lookup of a missing key yields an "invalid" node on which most calls throw;
  // a null node says "absent" safely.
  static YAML::Node child(const YAML::Node& parent, const std::string& key) {
    if (!parent.IsMap()) return YAML::Node();
    const YAML::Node n = parent[key];
    return n ? n : YAML::Node();
  }
  YAML::Node section(const std::string& key) const { return child(doc.root(), key); }

  // A section that may name a preset file (`preset: NAME`) whose keys the section overrides.
  bool read_with_preset(const std::string& key, const std::string& preset_dir,
                        const ParamSchema& schema, Params& out) {
    const YAML::Node node = section(key);
    LocatedMap merged;
    if (node.IsMap() && node["preset"]) {
      const Location at = doc.locate(node["preset"], key + ".preset");
      if (!node["preset"].IsScalar()) {
        diag.error(at, key + ".preset", "expected a preset name or a path to a .yaml file");
        return false;
      }
      const std::string name = node["preset"].Scalar();
      fs::path file;
      const bool is_path = name.find('/') != std::string::npos || name.ends_with(".yaml");
      std::string tried;
      for (const auto& root : preset_roots(doc.path())) {
        const fs::path candidate = is_path ? doc.path().parent_path() / name
                                           : root / preset_dir / (name + ".yaml");
        tried += (tried.empty() ? "" : ", ") + candidate.lexically_normal().string();
        if (fs::is_regular_file(candidate)) {
          file = candidate;
          break;
        }
        if (is_path) break;
      }
      if (file.empty()) {
        diag.error(at, key + ".preset", "no preset '" + name + "' (looked for " + tried + ")");
        return false;
      }
      try {
        const YamlDocument preset = YamlDocument::load(file);
        merged = read_params_map(preset, preset.root(), "", schema, {}, diag);
      } catch (const ScenarioError& e) {
        for (const auto& m : e.messages()) diag.error(at, key + ".preset", m);
        return false;
      }
      if (!merged.values.count("name")) {
        if (schema.find("name")) merged.values["name"] = file.stem().string();
      }
    }
    const LocatedMap inline_map = read_params_map(doc, node, key, schema, {"preset"}, diag);
    for (const auto& [k, v] : inline_map.values) {
      merged.values[k] = v;
      merged.where[k] = inline_map.where.at(k);
    }
    merged.self = inline_map.self;
    return resolve_located(schema, merged, key, out, diag);
  }

  // A section whose `selector` key names a catalog entry; the other keys are its parameters.
  template <typename CatalogT>
  bool read_selection(const YAML::Node& node, const std::string& prefix,
                      const std::string& selector, const std::string& default_name,
                      const CatalogT& catalog, Selection& out) {
    const Location self = doc.locate(node, prefix);
    if (node.IsDefined() && !node.IsNull() && !node.IsMap()) {
      diag.error(self, prefix, "expected a map with key '" + selector + "'");
      return false;
    }
    std::string name = default_name;
    Location at = self;
    if (node.IsMap() && node[selector]) {
      if (!node[selector].IsScalar()) {
        diag.error(doc.locate(node[selector], prefix + "." + selector), prefix + "." + selector,
                   "expected a name, " + catalog.expected());
        return false;
      }
      name = node[selector].Scalar();
      at = doc.locate(node[selector], prefix + "." + selector);
    }
    if (name.empty()) {
      diag.error(self, prefix + "." + selector, "missing; expected " + catalog.expected());
      return false;
    }
    const auto* entry = catalog.find(name);
    if (!entry) {
      diag.error(at, prefix + "." + selector,
                 "unknown " + catalog.family() + " '" + name + "' (expected " + catalog.expected() + ")");
      return false;
    }
    const LocatedMap given = read_params_map(doc, node, prefix, entry->schema, {selector}, diag);
    out.name = name;
    if (!resolve_located(entry->schema, given, prefix, out.params, diag)) return false;
    out.params.set(selector, name);  // so the resolved scenario names its choice
    return true;
  }

  Params plain(const std::string& key, const ParamSchema& schema,
               const std::set<std::string>& nested = {}) {
    Params p;
    const YAML::Node node = key.empty() ? doc.root() : section(key);
    const LocatedMap given = read_params_map(doc, node, key, schema, nested, diag);
    resolve_located(schema, given, key, p, diag);
    return p;
  }

  void require(const std::string& key, const std::string& what) {
    if (section(key).IsNull()) diag.error(Location{doc.path().string()}, key, "missing section (" + what + ")");
  }

  // Cross-field checks of specs; ParamError names the key within the section.
  template <typename Fn>
  void convert(const std::string& section_key, Fn&& fn) {
    try {
      fn();
    } catch (const ParamError& e) {
      const YAML::Node node = section(section_key);
      diag.error(doc.locate(node, section_key), section_key + "." + e.key(), e.what());
    } catch (const Error& e) {
      diag.error(doc.locate(section(section_key), section_key), section_key, e.what());
    }
  }
};

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

}  // namespace

ScenarioSpec load_scenario(const fs::path& path, const std::vector<std::string>& overrides,
                           const Catalogs& catalogs) {
  YamlDocument doc = YamlDocument::load(path);
  Diagnostics diag;
  for (const auto& o : overrides) doc.apply_override(o, diag);
  ScenarioSpec spec;
  spec.path = path;
  Loader ld{doc, catalogs, diag, spec};
  ld.require("hardware", "the device each instance runs on, e.g. {preset: h100-sxm}");
  ld.require("model", "the model served, e.g. {preset: llama-3-8b}");
  ld.require("workload", "what arrives, e.g. {source: synthetic, rate_per_s: 4}");

  // Top-level scalars share the generic reader; the sections are skipped as extra keys.
  const ParamSchema top = top_level_schema();
  const Params top_params = ld.plain("", top, {"hardware", "decode_hardware", "model",
                                               "execution", "cluster", "instance", "batching",
                                               "workload", "slo"});
  // (read_params_map on the root with an empty prefix; unknown keys were reported above)
  Params device_params, model_params;
  // A missing section was reported above; reading it would only add noise.
  const bool have_device = !ld.section("hardware").IsNull() &&
                           ld.read_with_preset("hardware", "hardware", hw::device_schema(), device_params);
  const bool have_model = !ld.section("model").IsNull() &&
                          ld.read_with_preset("model", "models", model::model_schema(), model_params);
  if (have_device) ld.convert("hardware", [&] { spec.device = hw::device_spec_from_params(device_params); });
  if (have_model) ld.convert("model", [&] { spec.model = model::model_spec_from_params(model_params); });
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
  if (!ld.section("workload").IsNull())
    ld.read_selection(ld.section("workload"), "workload", "source", "", catalogs.sources, spec.workload);
  const Params slo = ld.plain("slo", slo_schema());
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
  check_migration(ld, spec);
  spec.instance = systems::InstanceConfig::from(instance);
  spec.slo_ttft_s = slo.real("ttft_s");
  spec.slo_tpot_s = slo.real("tpot_s");
  spec.resolved = {{"scenario", top_params},          {"hardware", device_params},
                   {"model", model_params},           {"execution", spec.execution.params},
                   {"cluster", cluster},              {"cluster.router", spec.router.params},
                   {"cluster.migration", spec.migration.params},
                   {"instance", instance},            {"batching", spec.batching.params},
                   {"workload", spec.workload.params}, {"slo", slo}};
  if (spec.decode_device) spec.resolved.insert(spec.resolved.begin() + 2, {"decode_hardware", decode_device_params});
  return spec;
}

}  // namespace xpusim::scenario
