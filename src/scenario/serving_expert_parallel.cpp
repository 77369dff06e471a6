#include "xpusim/scenario/serving_expert_parallel.hpp"

#include <set>
#include <string>
#include <vector>

#include "xpusim/core/error.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/model/roofline_model.hpp"
#include "xpusim/scenario/routed_expert_timer.hpp"
#include "xpusim/scenario/moe_common.hpp"

namespace xpusim::scenario {

namespace {

using Loader = SectionReader;

// One expert-parallel group size the scenario asks for: a single-pool key
// (cluster.expert_parallel, cluster.decode_expert_parallel) or a pool's expert_parallel, with
// where it was given and the tensor parallelism of the instances it applies to.
struct EpGroup {
  int gpus = 0;
  std::string key;  // dotted, for messages
  Location at;
  int tensor_parallel = 1;
  std::string tp_key;
  Location tp_at;
};

std::vector<EpGroup> ep_groups(Loader& ld, const ScenarioSpec& spec) {
  const YAML::Node cluster = ld.section("cluster");
  auto at = [&](const YAML::Node& parent, const std::string& key, const std::string& dotted) {
    return ld.doc.locate(Loader::child(parent, key), dotted);
  };
  std::vector<EpGroup> groups;
  if (!spec.explicit_pools) {
    const Location tp = at(cluster, "tensor_parallel", "cluster.tensor_parallel");
    for (const std::string key : {"expert_parallel", "decode_expert_parallel"}) {
      const int g = key == "expert_parallel" ? spec.expert_parallel : spec.decode_expert_parallel;
      if (g > 0)
        groups.push_back({g, "cluster." + key, at(cluster, key, "cluster." + key),
                          spec.tensor_parallel, "cluster.tensor_parallel", tp});
    }
    return groups;
  }
  const YAML::Node items = Loader::child(cluster, "pools");
  for (std::size_t k = 0; k < spec.pools.size(); ++k) {
    const PoolSpec& pool = spec.pools[k];
    if (pool.expert_parallel == 0) continue;
    const std::string prefix = "cluster.pools." + std::to_string(k);
    groups.push_back({pool.expert_parallel, prefix + ".expert_parallel",
                      at(items[k], "expert_parallel", prefix + ".expert_parallel"),
                      pool.tensor_parallel, prefix + ".tensor_parallel",
                      at(items[k], "tensor_parallel", prefix + ".tensor_parallel")});
  }
  return groups;
}

// One group's G: whole expert slots per GPU, whole nodes, attention data-parallel.
void check_group(Loader& ld, const ScenarioSpec& spec, const EpGroup& group) {
  if (group.tensor_parallel != 1)
    ld.diag.error(group.tp_at, group.tp_key,
                  "is " + std::to_string(group.tensor_parallel) +
                      ", but with expert_parallel the "
                      "attention runs data-parallel over the instance's GPUs (SGLang's DP "
                      "attention): set tensor_parallel to 1");
  const int g = group.gpus;
  const int slots = spec.model.num_experts + spec.ep.redundant_experts;
  if (slots % g != 0)
    ld.diag.error(group.at, group.key,
                  std::to_string(spec.model.num_experts) + " experts + " +
                      std::to_string(spec.ep.redundant_experts) +
                      " redundant = " + std::to_string(slots) +
                      " expert slots do not split evenly over " + std::to_string(g) +
                      " GPUs (expected a divisor of " + std::to_string(slots) + ")");
  if (g > spec.ep.gpus_per_node && g % spec.ep.gpus_per_node != 0)
    ld.diag.error(ld.doc.locate(ld.section("expert_parallel"), "expert_parallel"),
                  "expert_parallel.gpus_per_node",
                  std::to_string(g) + " GPUs (" + group.key + ") do not fill whole nodes of " +
                      std::to_string(spec.ep.gpus_per_node) +
                      " (expected a G <= "
                      "gpus_per_node or a multiple of it)");
}

// The expert-parallel sections (expert_parallel:, routing:, placement:) with expert
// parallelism in some pool, and the rules that tie them to the model and the cluster.
void check_expert_parallel(Loader& ld, const ScenarioSpec& spec, const Catalogs& catalogs) {
  const std::vector<EpGroup> groups = ep_groups(ld, spec);
  if (!spec.model.is_moe()) {
    ld.diag.error(groups.front().at, groups.front().key,
                  "model '" + spec.model.name +
                      "' is dense (num_experts 0): expert parallelism "
                      "needs an MoE model; remove expert_parallel");
    return;
  }
  std::set<std::string> tp_reported;  // the single-pool keys share cluster.tensor_parallel
  for (const EpGroup& group : groups) {
    if (group.key == "cluster.decode_expert_parallel" && !spec.disaggregated())
      ld.diag.error(group.at, group.key,
                    "applies to the decode pool of a disaggregated cluster; set "
                    "cluster.prefill_instances and cluster.decode_instances, or remove it");
    EpGroup checked = group;
    if (!tp_reported.insert(group.tp_key).second) checked.tensor_parallel = 1;
    check_group(ld, spec, checked);
  }
  if (!make_routed_expert_timer(spec, catalogs, spec.device))
    ld.diag.error(ld.doc.locate(ld.section("execution"), "execution"), "execution.model",
                  "expert parallelism is timed with the roofline model; '" + spec.execution.name +
                      "' cannot leave the routed experts out");
  check_moe_model_and_routing(spec.model, spec.routing, spec.path, "serving", ld);
  ld.diag.throw_if_any();
  // The chosen policy placed once on uniform loads per group size, so a shape it cannot place
  // shows at load.
  std::set<int> sizes;
  for (const EpGroup& group : groups) sizes.insert(group.gpus);
  for (const int g : sizes) {
    try {
      const policy::EpShape shape = serving_ep_shape(spec, g);
      auto policy =
          catalogs.expert_placement.find(spec.placement.name)->make(spec.placement.params);
      const std::vector<double> uniform(shape.experts, 1.0);
      const policy::ExpertLayout empty{std::vector<int>(shape.slots(), -1)};
      policy->place_batch({shape, uniform, empty});
    } catch (const Error& e) {
      ld.diag.error(ld.doc.locate(ld.section("placement"), "placement"), "placement.policy",
                    e.what());
      break;
    }
  }
}

}  // namespace

void read_expert_parallel(KindReader& r, ScenarioSpec& spec) {
  Loader& ld = r.ld;
  if (!spec.uses_expert_parallel()) {
    std::string given;  // the sections that need expert parallelism, one error for all
    YAML::Node first;
    for (const char* key : {"expert_parallel", "routing", "placement"}) {
      if (ld.section(key).IsNull()) continue;
      if (std::string(key) == "routing" && !ld.section("offload").IsNull()) continue;  // offload's
      if (given.empty()) first = ld.section(key);
      given += (given.empty() ? "" : ", ") + std::string(key);
    }
    if (!given.empty())
      ld.diag.error(ld.doc.locate(first, "cluster.expert_parallel"), "cluster.expert_parallel",
                    "is 0 (off), but section(s) " + given +
                        " apply to an MoE model served with "
                        "expert parallelism: set cluster.expert_parallel (with cluster.pools: a "
                        "pool's expert_parallel), or remove them");
    return;
  }
  const Params ep = r.plain("expert_parallel");
  const Params routing = r.plain("routing");
  r.select("placement", spec.placement);
  ld.diag.throw_if_any();
  spec.ep = ServingEpSection::binding().bind(ep);
  spec.routing = MoeRoutingSection::binding().bind(routing);
  check_expert_parallel(ld, spec, r.catalogs);
}

policy::EpShape serving_ep_shape(const ScenarioSpec& spec, int gpus) {
  const ServingEpSection& ep = spec.ep;
  policy::EpShape shape;
  shape.experts = spec.model.num_experts;
  shape.gpus = gpus;
  shape.nodes = shape.gpus > ep.gpus_per_node ? shape.gpus / ep.gpus_per_node : 1;
  shape.slots_per_gpu = (shape.experts + ep.redundant_experts) / shape.gpus;
  shape.expert_groups = spec.model.expert_groups;
  return shape;
}

std::unique_ptr<systems::MoeCostModel> make_serving_moe_cost(const ScenarioSpec& spec,
                                                             const Catalogs& catalogs,
                                                             const hw::DeviceSpec& device,
                                                             int gpus) {
  const ServingEpSection& ep = spec.ep;
  systems::EpLinks links;
  links.nvlink_bw_bytes_per_s =
      ep.nvlink_gbps > 0 ? ep.nvlink_gbps * 1e9 : device.scaleup_bw_bytes_per_s;
  links.nvlink_latency_s = ep.nvlink_latency_us * 1e-6;
  links.network_bw_bytes_per_s = ep.network_gbps * 1e9;
  links.network_latency_s = ep.network_latency_us * 1e-6;
  auto experts = make_routed_expert_timer(spec, catalogs, device);
  if (!experts)
    throw Error("execution model '" + spec.execution.name + "' cannot time routed experts");
  return std::make_unique<systems::MoeCostModel>(spec.model, device, serving_ep_shape(spec, gpus),
                                                 links, false, 1, model::RooflineFactors{},
                                                 std::move(experts));
}

std::unique_ptr<systems::ExpertParallelStage> make_serving_ep_stage(
    const ScenarioSpec& spec, const Catalogs& catalogs, int index,
    const systems::MoeCostModel& cost, systems::MoeObserver& observer) {
  const std::uint64_t seed = derive_seed(spec.seed, "moe.routing.instance" + std::to_string(index));
  auto routing = make_moe_routing(spec.routing, spec.model, 1, 1, seed, spec.path);
  auto placement = catalogs.expert_placement.find(spec.placement.name)->make(spec.placement.params);
  systems::EpServingConfig c;
  c.top_k = spec.model.experts_top_k;
  c.rebalance_every = spec.ep.rebalance_every;
  c.history_weight = spec.ep.history_weight;
  c.overlap_weight_moves = spec.ep.overlap_weight_moves;
  c.two_batch_overlap = spec.ep.two_batch_overlap;
  c.model_layers = spec.model.num_layers;
  return std::make_unique<systems::ExpertParallelStage>(c, cost, std::move(routing),
                                                        std::move(placement), observer);
}

}  // namespace xpusim::scenario
