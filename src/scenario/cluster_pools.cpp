#include "xpusim/scenario/cluster_pools.hpp"

#include <map>
#include <set>

#include "xpusim/core/error.hpp"
#include "xpusim/scenario/device_model_sections.hpp"
#include "xpusim/scenario/scenario_spec.hpp"
#include "xpusim/scenario/system_kind.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::scenario {

const ParamBinding<PoolSpec>& PoolSpec::binding() {
  static const auto b =
      ParamBinding<PoolSpec>()
          .string(XPUSIM_KEY(PoolSpec, hardware),
                  "device of this pool's instances: a preset (a name in configs/hardware/ or a "
                  ".yaml path), or a map read as the hardware section ({preset: NAME, KEY: "
                  "override} or every key inline); empty = the hardware section's device")
          .integer(XPUSIM_KEY(PoolSpec, count), "", "instances in this pool", {.min = 1, .max = 100000})
          .choice("role", &PoolSpec::role,
                  {{"both", PoolRole::Both}, {"prefill", PoolRole::Prefill}, {"decode", PoolRole::Decode}},
                  "what its instances run: both phases (colocated), or only prefill or decode "
                  "(disaggregated: needs prefill and decode pools, and no `both` pool)")
          .integer(XPUSIM_KEY(PoolSpec, tensor_parallel), "", "devices per instance of this pool",
                   {.min = 1, .max = 64})
          .integer(XPUSIM_KEY(PoolSpec, expert_parallel), "",
                   "GPUs per instance of this pool holding an MoE model's experts (expert "
                   "parallelism, attention data-parallel over them, tensor_parallel 1; the "
                   "expert_parallel section's links, redundancy and rebalancing apply); 0 = off",
                   {.min = 0, .max = 1024});
  return b;
}

namespace {

using Loader = SectionReader;

void erase_key(Params& params, const std::string& key) {
  std::map<std::string, ParamValue> values = params.values();
  values.erase(key);
  params = Params(std::move(values));
}

// `cluster.<name>: PRESET` sets the link's bandwidth and latency from a link preset; the
// record keeps the figures (so the resolved scenario loads back without the preset).
void read_link(Loader& ld, const std::string& name, const std::string& bw_key,
               const std::string& latency_key, double& bw, double& latency, Params& cluster) {
  const std::string preset = cluster.has(name) ? cluster.string(name) : "";
  erase_key(cluster, name);
  if (preset.empty()) return;
  const YAML::Node node = ld.section("cluster");
  for (const std::string& key : {bw_key, latency_key})
    if (!Loader::child(node, key).IsNull())
      ld.diag.error(ld.doc.locate(Loader::child(node, key), "cluster." + key), "cluster." + key,
                    "give either cluster." + name + " (a link preset) or cluster." + bw_key +
                        " / cluster." + latency_key + ", not both");
  Params link;
  const ParamSchema schema = hw::InterconnectSpec::binding().schema();
  if (!ld.read_preset_node(Loader::child(node, name), "cluster." + name, "hardware", schema, link))
    return;
  const hw::InterconnectSpec spec = hw::InterconnectSpec::binding().bind(link);
  bw = spec.bandwidth_bytes_per_s;
  latency = spec.latency_s;
  cluster.set(bw_key, link.values().at("bandwidth_gbps"));
  cluster.set(latency_key, link.values().at("latency_us"));
}

// The single-pool keys as pools: every instance alike, or a prefill and a decode pool.
std::vector<PoolSpec> single_pool(const ScenarioSpec& spec) {
  PoolSpec main;
  main.device = spec.device;
  main.tensor_parallel = spec.tensor_parallel;
  main.expert_parallel = spec.expert_parallel_of(false);
  if (!spec.disaggregated()) {
    main.count = spec.instances;
    return {main};
  }
  main.count = spec.prefill_instances;
  main.role = PoolRole::Prefill;
  PoolSpec decode = main;
  decode.count = spec.decode_instances;
  decode.role = PoolRole::Decode;
  decode.expert_parallel = spec.expert_parallel_of(true);
  if (spec.decode_device) decode.device = *spec.decode_device;
  return {main, decode};
}

// One cluster.pools item, or nullopt after reporting its errors. A `hardware` map is read as
// the hardware section is (read_device_node) and recorded in full as
// "cluster.pools[k].hardware", so the resolved scenario loads back without the preset.
std::optional<PoolSpec> read_pool(KindReader& r, const ScenarioSpec& spec, const YAML::Node& item,
                                  std::size_t k) {
  Loader& ld = r.ld;
  const std::string prefix = "cluster.pools." + std::to_string(k);
  if (!item.IsMap()) {
    ld.diag.error(ld.doc.locate(item, prefix), prefix,
                  "expected a map {hardware, count, role, tensor_parallel, expert_parallel}");
    return std::nullopt;
  }
  const YAML::Node hardware = Loader::child(item, "hardware");
  const bool inline_device = hardware.IsMap();
  const ParamSchema schema = PoolSpec::binding().schema();
  Params p;
  const std::set<std::string> nested =
      inline_device ? std::set<std::string>{"hardware"} : std::set<std::string>{};
  if (!resolve_located(schema, read_params_map(ld.doc, item, prefix, schema, nested, ld.diag), prefix,
                       p, ld.diag))
    return std::nullopt;
  PoolSpec pool = PoolSpec::binding().bind(p);
  pool.device = spec.device;
  if (inline_device || !pool.hardware.empty()) {
    Params device;
    if (!read_device_node(ld, hardware, prefix + ".hardware", device, pool.device))
      return std::nullopt;
    if (inline_device) {
      erase_key(p, "hardware");
      r.record("cluster.pools[" + std::to_string(k) + "].hardware", device);
    }
  }
  // Recorded only when given, so the resolved scenarios of pools without it stay as before.
  if (pool.expert_parallel == 0) erase_key(p, "expert_parallel");
  r.record("cluster.pools[" + std::to_string(k) + "]", p);
  return pool;
}

// The single-pool keys a pools list replaces (given together: an error naming the key).
const std::vector<std::string> kSinglePoolKeys = {"instances",        "tensor_parallel",
                                                  "prefill_instances", "decode_instances",
                                                  "expert_parallel",  "decode_expert_parallel"};

void check_roles(Loader& ld, const YAML::Node& node, const std::vector<PoolSpec>& pools) {
  int both = 0, prefill = 0, decode = 0;
  for (const auto& p : pools)
    (p.role == PoolRole::Both ? both : p.role == PoolRole::Prefill ? prefill : decode) += p.count;
  const Location at = ld.doc.locate(node, "cluster.pools");
  if (both > 0 && prefill + decode > 0)
    ld.diag.error(at, "cluster.pools",
                  "mixes role both with prefill/decode pools; a cluster is either colocated (every "
                  "pool both) or disaggregated (prefill and decode pools)");
  else if ((prefill > 0) != (decode > 0))
    ld.diag.error(at, "cluster.pools",
                  std::string("a disaggregated cluster needs ") +
                      (prefill > 0 ? "a decode pool" : "a prefill pool") +
                      " as well (role: prefill / decode)");
}

}  // namespace

bool has_cluster_pools(const KindReader& r) {
  return !Loader::child(r.ld.section("cluster"), "pools").IsNull();
}

void read_cluster_pools(KindReader& r, ScenarioSpec& spec, Params& cluster) {
  Loader& ld = r.ld;
  read_link(ld, "kv_link", "kv_link_gbps", "kv_link_latency_us", spec.kv_link_bw_bytes_per_s,
            spec.kv_link_latency_s, cluster);
  read_link(ld, "tp_link", "tp_link_bw_gbps", "tp_link_latency_us", spec.tp_link_bw_bytes_per_s,
            spec.tp_link_latency_s, cluster);
  const YAML::Node section = ld.section("cluster");
  const YAML::Node node = Loader::child(section, "pools");
  if (node.IsNull()) {
    spec.pools = single_pool(spec);
    return;
  }
  if (!node.IsSequence() || node.size() == 0) {
    ld.diag.error(ld.doc.locate(node, "cluster.pools"), "cluster.pools",
                  "expected a non-empty list of {hardware, count, role, tensor_parallel, "
                  "expert_parallel}");
    return;
  }
  for (const auto& key : kSinglePoolKeys) {
    if (const YAML::Node given = Loader::child(section, key); !given.IsNull())
      ld.diag.error(ld.doc.locate(given, "cluster." + key), "cluster." + key,
                    key.find("expert") != std::string::npos
                        ? "give each pool's expert_parallel in cluster.pools instead"
                        : "give each pool's count and tensor_parallel in cluster.pools instead");
    erase_key(cluster, key);
  }
  if (!ld.section("decode_hardware").IsNull())
    ld.diag.error(ld.doc.locate(ld.section("decode_hardware"), "decode_hardware"), "decode_hardware",
                  "give the decode pool's hardware in cluster.pools instead");
  std::vector<PoolSpec> pools;
  for (std::size_t k = 0; k < node.size(); ++k)
    if (auto pool = read_pool(r, spec, node[k], k)) pools.push_back(std::move(*pool));
  if (!ld.diag.ok()) return;
  check_roles(ld, node, pools);
  spec.instances = spec.prefill_instances = spec.decode_instances = 0;
  for (const auto& p : pools) {
    spec.instances += p.count;
    if (p.role == PoolRole::Prefill) spec.prefill_instances += p.count;
    if (p.role == PoolRole::Decode) spec.decode_instances += p.count;
  }
  spec.pools = std::move(pools);
  spec.explicit_pools = true;
}

}  // namespace xpusim::scenario
