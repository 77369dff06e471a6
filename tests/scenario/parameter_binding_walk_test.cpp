// Walks every parameter family and checks the one-declaration rule: each YAML key reaches its
// own struct field (a non-default value set for that key comes back from that key's field while
// every other field keeps its default), and the documented default is the struct's default
// (binding the documented defaults reproduces a default-constructed Config field by field).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "xpusim/hw/device_spec.hpp"
#include "xpusim/hw/interconnect_spec.hpp"
#include "xpusim/hw/soc_spec.hpp"
#include "xpusim/hw/switch_spec.hpp"
#include "xpusim/model/model_spec.hpp"
#include "xpusim/workload/agent_flow.hpp"
#include "xpusim/workload/training_job.hpp"
#include "xpusim/model/engine_overhead_model.hpp"
#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/cluster_pools.hpp"
#include "xpusim/scenario/faults_section.hpp"
#include "xpusim/scenario/system_kind.hpp"
#include "xpusim/scenario/kind_sections.hpp"
#include "xpusim/scenario/serving_sections.hpp"
#include "xpusim/systems/instance_config.hpp"

namespace xpusim::scenario {
namespace {

using ReadBack = std::function<std::vector<ParamValue>(const Params&)>;
using Given = std::map<std::string, ParamValue>;

// Values for keys whose generic sample would not parse (lists, paths) or that are required.
const Given kSamples = {
    {"rate_per_s", 2.5},        {"session_rate_per_s", 2.5},
    {"rates_per_s", std::string("1,2")}, {"duration_s", 30.0},
    {"path", std::string("trace.csv")},  {"table", std::string("table.csv")},
    {"weights", std::string("1,2")},     {"prompt_tokens", std::string("100-200")},
    {"output_tokens", std::string("50")}, {"on_off_s", std::string("10,0")},
    {"npu_prefill_shapes", std::string("64,512")},
    {"cpu_dvfs_levels", std::string("0.5:0.8,1:1")},
    {"igpu_dvfs_levels", std::string("0.4:0.7,1:1")},
    {"npu_dvfs_levels", std::string("0.6:0.8,1:1")},
    {"tool_types", std::string("search:2")},
    {"type_reuse", std::string("tool:0.5")},
    // switch, link
    {"aggregator_memory_kb", 64.0},      {"port_gbps", 100.0},
    {"bandwidth_gbps", 400.0},           {"latency_us", 1.0},
    // hardware: fp32 below bf16, idle below max, also after the walk moves one of them
    {"peak_fp32_tflops", 60.0},          {"peak_bf16_tflops", 900.0},
    {"memory_gb", 80.0},                 {"memory_bw_gbps", 3000.0},
    {"idle_power_w", 100.0},             {"max_power_w", 700.0},
    {"held_power_w", 200.0},             {"power_cap_w", 600.0},
    // model: a dense GQA model
    {"num_layers", std::int64_t{4}},     {"hidden", std::int64_t{1024}},
    {"num_heads", std::int64_t{8}},      {"num_kv_heads", std::int64_t{1}},
    {"head_dim", std::int64_t{128}},     {"vocab", std::int64_t{32000}},
    // ina jobs[]
    {"gradient_mb", 2.0},
};
// A second valid value for sampled keys that are required (their sample is the baseline).
const Given kAlternates = {
    {"rates_per_s", std::string("3,4")},
    {"path", std::string("other.csv")},
    {"table", std::string("other.csv")},
};
// Keys whose non-default value needs another key set too (a rule ties them).
const std::map<std::string, Given> kCompanions = {
    {"model_filter", {{"format", std::string("burstgpt")}}},
    {"log_type_filter", {{"format", std::string("burstgpt")}}},
    {"prompt_dist", {{"prompt_trace", std::string("t.csv")}}},
    {"output_dist", {{"output_trace", std::string("t.csv")}}},
    {"source", {{"trace_path", std::string("t.csv")}}},  // soc workload: a trace needs its path
    {"tool_types", {{"kind", std::string("agent")}}},    // sessions: tool types are agent-only
    // model: expert settings need experts, MLA settings need each other
    {"num_experts", {{"experts_top_k", std::int64_t{1}}, {"expert_ffn_hidden", std::int64_t{512}}}},
    {"experts_top_k", {{"num_experts", std::int64_t{2}}, {"expert_ffn_hidden", std::int64_t{512}}}},
    {"expert_groups", {{"num_experts", std::int64_t{2}}, {"experts_top_k", std::int64_t{1}},
                       {"expert_ffn_hidden", std::int64_t{512}}}},
    {"num_shared_experts", {{"num_experts", std::int64_t{2}}, {"experts_top_k", std::int64_t{1}},
                            {"expert_ffn_hidden", std::int64_t{512}}}},
    {"expert_ffn_hidden", {{"num_experts", std::int64_t{2}}, {"experts_top_k", std::int64_t{1}}}},
    {"first_dense_layers", {{"num_experts", std::int64_t{2}}, {"experts_top_k", std::int64_t{1}},
                            {"expert_ffn_hidden", std::int64_t{512}}}},
    {"kv_lora_rank", {{"rope_head_dim", std::int64_t{64}}}},
    {"rope_head_dim", {{"kv_lora_rank", std::int64_t{512}}}},
    {"q_lora_rank", {{"kv_lora_rank", std::int64_t{512}}, {"rope_head_dim", std::int64_t{64}}}},
    // hardware: a locked clock needs the boost clock above it
    {"sm_clock_mhz", {{"boost_clock_mhz", 1e5}}},
    // ina workload: a min moved up needs its max
    {"gradient_mb_min", {{"gradient_mb_max", 8.0}}},
    {"iterations_min", {{"iterations_max", std::int64_t{20}}}},
};

bool same(const ParamValue& a, const ParamValue& b) {
  if (std::holds_alternative<double>(a) && std::holds_alternative<double>(b)) {
    const double x = std::get<double>(a), y = std::get<double>(b);
    return x == y || std::abs(x - y) <= 1e-12 * std::max(std::abs(x), std::abs(y));
  }
  return a == b;
}

// A valid value different from the default, or nothing when the key admits only one value.
std::optional<ParamValue> other_value(const ParamDecl& d, const ParamValue& def) {
  if (auto it = kSamples.find(d.name); it != kSamples.end() && !same(it->second, def))
    return it->second;
  if (auto it = kAlternates.find(d.name); it != kAlternates.end()) return it->second;
  switch (d.type) {
    case ParamType::Int: {
      const auto v = std::get<std::int64_t>(def);
      if (double(v + 1) <= d.max) return std::int64_t{v + 1};
      if (double(v - 1) >= d.min) return std::int64_t{v - 1};
      return std::nullopt;
    }
    case ParamType::Real: {
      const double v = std::get<double>(def);
      const double up = d.max < 1e299 ? v + (d.max - v) / 2 : v + 1.5;
      if (up != v && up <= d.max) return up;
      const double down = v - (v - d.min) / 2;
      return down != v ? std::optional<ParamValue>(down) : std::nullopt;
    }
    case ParamType::Bool: return ParamValue(!std::get<bool>(def));
    case ParamType::String: return ParamValue(std::string("x"));
    case ParamType::Choice:
      for (const auto& c : d.choices)
        if (ParamValue(c) != def) return ParamValue(c);
      return std::nullopt;
  }
  return std::nullopt;
}

void walk(const std::string& family, const ParamSchema& schema, const ReadBack& read_back,
          const Given& samples = {}) {
  SCOPED_TRACE(family);
  // The baseline: the required keys, and any key the family gives a sample for (a default
  // that needs another key's non-default value to pass the rules).
  Given required;
  for (const auto& d : schema.decls()) {
    if (samples.count(d.name)) {
      required[d.name] = samples.at(d.name);
    } else if (!d.default_value) {
      ASSERT_TRUE(kSamples.count(d.name)) << "no sample for required key " << d.name;
      required[d.name] = kSamples.at(d.name);
    }
  }
  const std::vector<ParamValue> base = read_back(resolve_params(schema, required));
  ASSERT_EQ(base.size(), schema.decls().size());
  for (std::size_t i = 0; i < base.size(); ++i) {
    const ParamDecl& d = schema.decls()[i];
    // The documented default is what a default-constructed Config holds.
    if (d.default_value && !required.count(d.name)) {
      EXPECT_TRUE(same(base[i], *d.default_value)) << d.name << ": documented "
                                                   << format_value(*d.default_value)
                                                   << ", bound " << format_value(base[i]);
    }
    const auto value = other_value(d, base[i]);
    if (!value) continue;
    Given given = required;
    given[d.name] = *value;
    const Given companions = kCompanions.count(d.name) ? kCompanions.at(d.name) : Given{};
    for (const auto& [k, v] : companions)
      if (schema.find(k)) given[k] = v;
    const Params params = resolve_params(schema, given);
    const std::vector<ParamValue> got = read_back(params);
    EXPECT_TRUE(same(got[i], params.values().at(d.name)))
        << d.name << ": set " << format_value(*value) << ", field holds " << format_value(got[i]);
    for (std::size_t j = 0; j < got.size(); ++j) {
      const std::string& other = schema.decls()[j].name;
      if (j == i || companions.count(other)) continue;
      EXPECT_TRUE(same(got[j], base[j])) << "setting " << d.name << " changed " << other;
    }
  }
}

template <typename Catalog>
int walk_catalog(const Catalog& catalog) {
  int bound = 0;
  for (const auto& [name, entry] : catalog.entries()) {
    if (entry.schema.decls().empty()) continue;
    EXPECT_TRUE(entry.read_back) << catalog.family() << " " << name
                                 << " declares parameters without binding them to a Config";
    if (!entry.read_back) continue;
    walk(catalog.family() + " " + name, entry.schema, entry.read_back);
    ++bound;
  }
  return bound;
}

template <typename Config>
void walk_binding(const std::string& family, const ParamBinding<Config>& b,
                  const Given& samples = {}) {
  walk(family, b.schema(), [&b](const Params& p) { return b.read_all(b.bind(p)); }, samples);
}

// Valid values for the SoC's required keys (every engine runs dense work; idle below busy).
Given soc_samples() {
  Given g{{"ddr_gb", 32.0}, {"ddr_bw_gbps", 136.0}};
  for (const char* e : {"cpu", "igpu", "npu"}) {
    const std::string n = e;
    g[n + "_peak_fp16_tflops"] = 10.0;
    g[n + "_dense_efficiency"] = 0.5;
    g[n + "_prefill_attention_efficiency"] = 0.4;
    g[n + "_decode_attention_efficiency"] = 0.3;
    g[n + "_memory_efficiency"] = 0.6;
    g[n + "_idle_power_w"] = 1.0;
    g[n + "_busy_power_w"] = 10.0;
    for (const char* a : {"cpu", "igpu", "npu"})
      if (n != a) g[n + "_slowdown_by_" + a] = 1.2;
  }
  return g;
}

TEST(ParameterBinding, EveryServingSideKeyReachesItsFieldAndDocumentsTheStructDefault) {
  const Catalogs c = build_catalogs();
  EXPECT_EQ(walk_catalog(c.batching), 6);
  EXPECT_EQ(walk_catalog(c.routers), 2);  // prefix_affinity, llumnix
  EXPECT_EQ(walk_catalog(c.migration), 1);
  EXPECT_EQ(walk_catalog(c.fairness), 3);
  EXPECT_EQ(walk_catalog(c.eviction), 2);
  EXPECT_EQ(walk_catalog(c.sources), 4);
  EXPECT_EQ(walk_catalog(c.execution), 2);
  walk_binding("instance", systems::InstanceConfig::binding());
  walk_binding("cluster", cluster_binding());
  walk_binding("cluster.pools[]", PoolSpec::binding());
  walk_binding("prefix_cache", prefix_cache_binding());
  walk_binding("slo", slo_binding());
  walk_binding("tenants", tenants_binding());
  walk_binding("engine", model::EngineOverhead::binding());
  walk_binding("faults", faults_binding());
  const Given when{{"at_s", 10.0}, {"duration_s", 5.0}};
  Given scheduled = when;
  scheduled["instance"] = std::int64_t{1};
  walk_binding("faults.schedule[]", scheduled_fault_binding(), scheduled);
  Given link = when;
  link["host"] = std::string("inst0");
  walk_binding("faults.links[]", link_fault_binding(), link);
  walk_binding("top level", TopLevel::binding());
}

TEST(ParameterBinding, EveryDeviceSideKeyReachesItsFieldAndDocumentsTheStructDefault) {
  const Catalogs c = build_catalogs();
  EXPECT_EQ(walk_catalog(c.flow_scheduling), 3);
  EXPECT_EQ(walk_catalog(c.expert_placement), 3);
  EXPECT_EQ(walk_catalog(c.expert_offload), 3);  // hybrimoe, buddy, fetch_on_demand (prefetch)
  EXPECT_EQ(walk_catalog(c.switch_memory), 3);
  walk_binding("moe cluster", MoeClusterSection::binding());
  walk_binding("serving expert_parallel", ServingEpSection::binding());
  walk_binding("moe run", MoeRunSection::binding());
  walk_binding("moe_offload run", OffloadRunSection::binding());
  walk_binding("moe_offload cache", OffloadCacheSection::binding());
  walk_binding("moe_offload cpu", OffloadCpuSection::binding());
  walk_binding("ina metrics", InaMetricsSection::binding());
  walk_binding("switch", hw::SwitchSpec::binding());
  walk_binding("hardware", hw::DeviceSpec::binding());
  // A scale_up fabric (the default scope) joins at least two devices.
  walk_binding("link preset", hw::InterconnectSpec::binding(), {{"domain_size", std::int64_t{8}}});
  walk_binding("soc", hw::SocSpec::binding(), soc_samples());
  walk_binding("model", model::ModelSpec::binding(), {{"ffn_hidden", std::int64_t{4096}}});
  walk_binding("moe routing", MoeRoutingSection::binding());
  walk_binding("soc workload", workload::AgentWorkloadConfig::binding());
  walk_binding("ina workload", workload::TrainingWorkloadConfig::binding());
  walk_binding("ina workload.jobs[]", workload::TrainingJob::binding());
}

// The walk itself must catch a key bound to the wrong field: two keys on one field.
TEST(ParameterBinding, TheWalkCatchesTwoKeysOnOneField) {
  struct C {
    std::int64_t a = 1;
    std::int64_t b = 2;
  };
  const auto bad = ParamBinding<C>().integer("a", &C::a, "", "").integer("b", &C::a, "", "");
  // Documented defaults already disagree: b documents a's value, 1, not 2 — and setting a
  // shows up in b. Run the same checks by hand and expect them to fail.
  const std::vector<ParamValue> base = bad.read_all(bad.bind(resolve_params(bad.schema(), {})));
  EXPECT_EQ(std::get<std::int64_t>(base[1]), 1);  // not the struct's b = 2
  const auto got = bad.read_all(bad.bind(resolve_params(bad.schema(), {{"a", std::int64_t{5}}})));
  EXPECT_NE(std::get<std::int64_t>(got[0]), 5);  // b's default overwrote a's value
}

}  // namespace
}  // namespace xpusim::scenario
