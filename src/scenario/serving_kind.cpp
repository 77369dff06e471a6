// The serving kind's module: its sections and how it loads and runs (docs/serving.md).
#include "xpusim/scenario/device_model_sections.hpp"
#include "xpusim/scenario/faults_section.hpp"
#include "xpusim/scenario/kind_sections.hpp"
#include "xpusim/scenario/moe_offload_scenario.hpp"
#include "xpusim/scenario/moe_scenario.hpp"
#include "xpusim/scenario/scenario_loader.hpp"
#include "xpusim/scenario/serving_sections.hpp"
#include "xpusim/scenario/simulation.hpp"
#include "xpusim/scenario/system_kinds.hpp"
#include "xpusim/systems/instance_config.hpp"

namespace xpusim::scenario {

namespace {

class ServingScenario final : public LoadedScenario {
 public:
  ServingScenario(ScenarioSpec spec, const Catalogs& catalogs)
      : spec_(std::move(spec)), catalogs_(catalogs) {}
  const std::string& name() const override { return spec_.name; }
  std::uint64_t seed() const override { return spec_.seed; }
  RunResult run(const RunOptions& options) const override {
    return run_scenario(spec_, catalogs_, options);
  }

 private:
  ScenarioSpec spec_;
  const Catalogs& catalogs_;
};

template <typename Config>
std::function<ParamSchema()> schema_of(const ParamBinding<Config>& (*binding)()) {
  return [binding] { return binding().schema(); };
}

}  // namespace

SystemKind serving_kind() {
  using C = Catalogs;
  SystemKind k;
  k.name = "serving";
  k.description = "LLM serving instances and clusters: batching, routing, KV cache, disaggregation";
  SectionDecl decode = preset_section(
      "decode_hardware", "device of the decode pool when disaggregated (as hardware; absent = the same)",
      "hardware", [] { return hw::DeviceSpec::binding().schema(); });
  SectionDecl engine = preset_section(
      "engine", "serving engine overhead ({preset: NAME, ...overrides}; absent = none)", "engines",
      [] { return model::EngineOverhead::binding().schema(); });
  SectionDecl workload =
      selection_section("workload", "workload sources", &C::sources, "source", "");
  workload.required = "what arrives, e.g. {source: synthetic, rate_per_s: 4}";
  k.sections = {
      hardware_section("the device each instance runs on, e.g. {preset: h100-sxm}"),
      std::move(decode),
      model_section("the model served, e.g. {preset: llama-3-8b}"),
      selection_section("execution", "execution models", &C::execution, "model", "roofline"),
      std::move(engine),
      plain_section("cluster", "instances, tensor parallelism, disaggregated pools, KV links",
                    schema_of(&cluster_binding)),
      items_section("cluster.pools[]",
                    "one instance pool of a mixed cluster: hardware, count, role, tensor_parallel",
                    [] { return PoolSpec::binding().schema(); }),
      selection_section("cluster.router", "routers", &C::routers, "policy", "round_robin"),
      selection_section("cluster.migration", "migration policies", &C::migration, "policy", "none"),
      plain_section("cluster.autoscale",
                    "Llumnix auto-scaling of a colocated cluster from its average freeness "
                    "(docs/serving.md)",
                    [] { return policy::FreenessScaling::binding().schema(); }),
      plain_section("instance", "one serving instance: KV cache, batch limits, preemption",
                    [] { return systems::InstanceConfig::binding().schema(); }),
      selection_section("batching", "batching policies", &C::batching, "policy", "vllm"),
      selection_section("fairness", "fairness policies", &C::fairness, "policy", "fcfs"),
      plain_section("tenants", "tenant weights and service-metric prices",
                    schema_of(&tenants_binding)),
      std::move(workload),
      plain_section("slo", "goodput SLOs", schema_of(&slo_binding)),
      plain_section("prefix_cache", "prefix KV cache shared across requests",
                    schema_of(&prefix_cache_binding)),
      selection_section("prefix_cache.eviction", "prefix eviction policies", &C::eviction, "policy",
                        "lru"),
      plain_section("faults", "instance and link failures (docs/faults.md)", faults_schema),
      items_section("faults.schedule[]", "one scheduled instance failure", scheduled_fault_schema),
      items_section("faults.links[]", "one scheduled KV-link failure", link_fault_schema),
      plain_section("expert_parallel",
                    "expert parallelism of an MoE model (with cluster.expert_parallel): links, "
                    "redundant slots, rebalancing",
                    [] { return ServingEpSection::binding().schema(); }),
      plain_section("routing", "token-to-expert routing (with cluster.expert_parallel or offload)",
                    moe_routing_schema),
      selection_section("placement", "expert placement policies", &C::expert_placement, "policy",
                        "static"),
      plain_section("cache", "the GPU expert cache and its PCIe link (with offload)",
                    offload_cache_schema),
      plain_section("cpu", "the host CPU that may run experts (with offload)",
                    offload_cpu_schema),
      selection_section("offload", "expert offload policies (an MoE model on one GPU)",
                        &C::expert_offload, "policy", "fetch_on_demand"),
  };
  k.load = [](KindReader& r) -> std::unique_ptr<LoadedScenario> {
    return std::make_unique<ServingScenario>(load_serving_spec(r), r.catalogs);
  };
  return k;
}

}  // namespace xpusim::scenario
