#include "xpusim/scenario/serving_offload.hpp"

#include "xpusim/core/rng.hpp"
#include "xpusim/model/roofline_model.hpp"
#include "xpusim/scenario/moe_common.hpp"
#include "xpusim/scenario/routed_expert_timer.hpp"

namespace xpusim::scenario {

namespace {

using Loader = SectionReader;

// Tokens per draw of the profiling run behind cache.warm_start: profiled (a decode batch of a
// loaded instance; docs/moe.md, "Offload in serving").
constexpr std::int64_t kProfileTokens = 256;

// What offload in serving does not model, each refused at its own key.
void refuse_unmodelled(Loader& ld, const ScenarioSpec& spec, const Catalogs& catalogs) {
  const YAML::Node cluster = ld.section("cluster");
  const auto at_cluster = [&](const char* key) {
    return ld.doc.locate(Loader::child(cluster, key), std::string("cluster.") + key);
  };
  if (!spec.model.is_moe())
    ld.diag.error(ld.doc.locate(ld.section("model"), "model"), "model.num_experts",
                  "model '" + spec.model.name +
                      "' is dense (num_experts 0): expert offload needs an MoE model (expected "
                      "num_experts > 0); remove the offload section");
  if (spec.expert_parallel > 0)
    ld.diag.error(
        at_cluster("expert_parallel"), "cluster.expert_parallel",
        "is " + std::to_string(spec.expert_parallel) +
            ", but expert offload is modelled on one GPU holding the dense weights and "
            "an expert cache (expected 0: remove expert_parallel or the offload section)");
  if (spec.tensor_parallel != 1)
    ld.diag.error(at_cluster("tensor_parallel"), "cluster.tensor_parallel",
                  "is " + std::to_string(spec.tensor_parallel) +
                      ", but expert offload is modelled on one GPU (expected 1)");
  if (!Loader::child(cluster, "pools").IsNull())
    ld.diag.error(at_cluster("pools"), "cluster.pools",
                  "expert offload is modelled on one GPU per instance of one pool; a pool list "
                  "is not supported with it (expected the single-pool keys: instances, "
                  "hardware)");
  if (!make_routed_expert_timer(spec, catalogs, spec.device))
    ld.diag.error(ld.doc.locate(ld.section("execution"), "execution"), "execution.model",
                  "expert offload is timed with the roofline model; '" + spec.execution.name +
                      "' cannot leave the routed experts out (expected roofline)");
  bool layered = false;
  ld.convert("batching", [&] {
    layered = catalogs.batching.find(spec.batching.name)
                  ->make(spec.batching.params)
                  ->capabilities()
                  .layered_prefill;
  });
  if (layered)
    ld.diag.error(ld.doc.locate(ld.section("batching"), "batching"), "batching.policy",
                  "'" + spec.batching.name +
                      "' moves prompts through one layer group per iteration; with expert "
                      "offload that is not modelled (each group's experts would be fetched "
                      "apart); expected a policy without layered prefill (vllm, sarathi, orca, "
                      "static, equinox)");
  if (spec.model.is_moe() && spec.offload_cache.experts_per_layer > spec.model.num_experts)
    ld.diag.error(ld.doc.locate(ld.section("cache"), "cache"), "cache.experts_per_layer",
                  "is " + std::to_string(spec.offload_cache.experts_per_layer) +
                      " but the model has only " + std::to_string(spec.model.num_experts) +
                      " experts per layer (expected <= " + std::to_string(spec.model.num_experts) +
                      ")");
  const bool no_pcie = spec.device.pcie_bw_bytes_per_s <= 0 ||
                       (spec.decode_device && spec.decode_device->pcie_bw_bytes_per_s <= 0);
  if (spec.offload_cache.pcie_gbps <= 0 && no_pcie)
    ld.diag.error(ld.doc.locate(ld.section("cache"), "cache"), "cache.pcie_gbps",
                  "the device has no PCIe bandwidth; expected pcie_gbps > 0");
}

}  // namespace

void read_expert_offload(KindReader& r, ScenarioSpec& spec) {
  Loader& ld = r.ld;
  if (ld.section("offload").IsNull()) {
    std::string given;  // the sections that need offload, one error for all
    YAML::Node first;
    for (const char* key : {"cache", "cpu"}) {
      if (ld.section(key).IsNull()) continue;
      if (given.empty()) first = ld.section(key);
      given += (given.empty() ? "" : ", ") + std::string(key);
    }
    if (!given.empty())
      ld.diag.error(ld.doc.locate(first, given.substr(0, given.find(','))), "offload",
                    "section(s) " + given +
                        " apply to an MoE model whose experts are offloaded to host memory: "
                        "add an offload section (e.g. {policy: hybrimoe}), or remove them");
    return;
  }
  spec.expert_offload = true;
  const Params cache = r.plain("cache");
  const Params cpu = r.plain("cpu");
  const Params routing = spec.expert_parallel > 0 ? Params{} : r.plain("routing");
  r.select("offload", spec.offload);
  ld.diag.throw_if_any();
  spec.offload_cache = OffloadCacheSection::binding().bind(cache);
  spec.offload_cpu = OffloadCpuSection::binding().bind(cpu);
  if (spec.expert_parallel == 0) spec.routing = MoeRoutingSection::binding().bind(routing);
  refuse_unmodelled(ld, spec, r.catalogs);
  ld.diag.throw_if_any();
  check_moe_model_and_routing(spec.model, spec.routing, spec.path, "serving", ld);
}

OffloadCosts make_serving_offload_costs(const ScenarioSpec& spec, const Catalogs& catalogs,
                                        const hw::DeviceSpec& device) {
  const OffloadCacheSection& c = spec.offload_cache;
  const double pcie = c.pcie_gbps > 0 ? c.pcie_gbps * 1e9 : device.pcie_bw_bytes_per_s;
  const OffloadCpuSection& k = spec.offload_cpu;
  const systems::CpuSpec cpu{k.tflops * 1e12, k.memory_bw_gbps * 1e9, k.launch_us * 1e-6};
  const auto experts = make_routed_expert_timer(spec, catalogs, device);
  if (!experts)
    throw Error("execution model '" + spec.execution.name + "' cannot time routed experts");
  OffloadCosts costs;
  for (const bool prefill : {false, true})
    (prefill ? costs.prefill : costs.decode) = std::make_unique<systems::OffloadCostModel>(
        spec.model, device, cpu, pcie, c.pcie_latency_us * 1e-6, prefill, 1,
        model::RooflineFactors{}, experts);
  return costs;
}

std::unique_ptr<systems::ExpertOffloadStage> make_serving_offload_stage(
    const ScenarioSpec& spec, const Catalogs& catalogs, int index, const OffloadCosts& costs,
    systems::OffloadObserver& observer) {
  const std::uint64_t seed = derive_seed(spec.seed, "moe.routing.instance" + std::to_string(index));
  systems::OffloadServingConfig c;
  c.top_k = spec.model.experts_top_k;
  c.model_layers = spec.model.num_layers;
  c.capacity = spec.offload_cache.experts_per_layer;
  if (spec.offload_cache.profiled) {
    // The same stream as the instance's: the profile sees its first iterations (an upper
    // bound on what offline profiling gives a static mapping, as in the moe_offload kind).
    auto profile = make_moe_routing(spec.routing, spec.model, kProfileTokens, 1, seed, spec.path);
    c.warm = systems::hottest_experts(*profile, spec.offload_cache.profile_iterations, c.capacity,
                                      kProfileTokens, c.top_k);
  }
  auto routing = make_moe_routing(spec.routing, spec.model, 1, 1, seed, spec.path);
  auto policy = catalogs.expert_offload.find(spec.offload.name)->make(spec.offload.params);
  return std::make_unique<systems::ExpertOffloadStage>(
      std::move(c), *costs.decode, *costs.prefill, std::move(routing), std::move(policy), observer);
}

}  // namespace xpusim::scenario
