// The registry lines of the expert-placement family: one per policy, by the name the YAML uses.
#include "xpusim/policy/expert_placement/eplb.hpp"
#include "xpusim/policy/expert_placement/micromoe.hpp"
#include "xpusim/policy/expert_placement/relibra.hpp"
#include "xpusim/policy/expert_placement/static_placement.hpp"

namespace xpusim::policy {

void register_expert_placement_policies(ExpertPlacementCatalog& c) {
  c.add("static", "expert e on GPU e mod gpus, one copy, never moved (no balancing)", ParamSchema{},
        [](const Params&) { return std::make_unique<StaticPlacement>(); });
  c.add("eplb",
        "DeepSeek EPLB: per global batch, replicate the heaviest experts and pack replicas onto "
        "nodes and GPUs; tokens split evenly over replicas",
        EplbPlacement::binding(), [](const EplbConfig& cfg) {
          return std::make_unique<EplbPlacement>(cfg);
        });
  c.add("relibra",
        "ReLibra: per global batch, balance experts across nodes; per micro-batch, replicate hot "
        "experts within their node from the micro-batch's loads",
        RelibraPlacement::binding(), [](const RelibraConfig& cfg) {
          return std::make_unique<RelibraPlacement>(cfg);
        });
  c.add("micromoe",
        "MicroMoE: per global batch, replicas placed for the token scheduler (MicroEP-style; or "
        "EPLB's layout), and per micro-batch an exact min-max schedule of each expert's tokens "
        "over the GPUs holding it",
        MicroMoePlacement::binding(), [](const MicroMoeConfig& cfg) {
          return std::make_unique<MicroMoePlacement>(cfg);
        });
}

}  // namespace xpusim::policy
