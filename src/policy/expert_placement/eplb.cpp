#include "xpusim/policy/expert_placement/eplb.hpp"

#include "xpusim/core/error.hpp"
#include "xpusim/policy/expert_placement/eplb_algorithm.hpp"

namespace xpusim::policy {

const ParamBinding<EplbConfig>& EplbPlacement::binding() {
  static const auto b =
      ParamBinding<EplbConfig>()
          .choice(XPUSIM_KEY(EplbConfig, mode),
                  {{"auto", "auto"}, {"hierarchical", "hierarchical"}, {"global", "global"}},
                  "hierarchical: groups to nodes, replicas within nodes; global: replicas "
                  "anywhere; auto: hierarchical when the nodes divide the groups, else global "
                  "(the reference's rule)")
          .integer(XPUSIM_KEY(EplbConfig, groups), "",
                   "expert groups for the hierarchical mode; 0 = the model's expert_groups",
                   {.min = 0, .max = 4096});
  return b;
}

ExpertLayout eplb_layout(const EplbConfig& config, const EpShape& shape,
                         std::span<const double> loads) {
  const std::vector<double> w(loads.begin(), loads.end());
  const int groups = config.groups > 0 ? config.groups : shape.expert_groups;
  // deepseek-ai/EPLB rebalance_experts: hierarchical iff num_groups % num_nodes == 0.
  const bool divides = groups % shape.nodes == 0;
  if (config.mode == "global" || (config.mode == "auto" && !divides))
    return {eplb::rebalance_hierarchical(w, shape.slots(), 1, 1, shape.gpus)};
  if (shape.experts % groups != 0 || !divides)
    throw Error("eplb: hierarchical mode needs the " + std::to_string(shape.experts) +
                " experts to split into " + std::to_string(groups) +
                " groups and the groups over " + std::to_string(shape.nodes) + " nodes");
  return {eplb::rebalance_hierarchical(w, shape.slots(), groups, shape.nodes, shape.gpus)};
}

ExpertLayout EplbPlacement::place_batch(const PlacementView& view) {
  return eplb_layout(config_, view.shape, view.loads);
}

}  // namespace xpusim::policy
