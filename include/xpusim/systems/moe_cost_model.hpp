#pragma once
// Time of the pieces of one MoE layer under expert parallelism: the dense part (attention,
// router, shared experts) that every GPU runs on its share of tokens, the routed experts a GPU
// computes, the all-to-all that moves tokens to them and back, and expert-weight copies.
// Compute comes from the roofline model's per-operator times; links are per-GPU ports (NVLink
// inside a node, the NIC across nodes) whose busiest port bounds a collective (docs/moe.md).
#include <memory>
#include <vector>

#include "xpusim/model/roofline_model.hpp"
#include "xpusim/policy/expert_placement/expert_placement_policy.hpp"

namespace xpusim::systems {

struct EpLinks {
  double nvlink_bw_bytes_per_s = 0;  // per GPU, per direction
  double nvlink_latency_s = 0;
  double network_bw_bytes_per_s = 0;  // per GPU NIC, per direction
  double network_latency_s = 0;
};

struct AllToAll {
  double seconds = 0;
  double bytes = 0;  // bytes leaving their GPU
};

class MoeCostModel {
 public:
  // `training`: GEMMs at the prefill efficiency and attention over `seq_len`-token sequences;
  // otherwise decode: one new token per sequence over `seq_len` cached tokens. `factors`: the
  // roofline's efficiencies for the dense part (the moe kinds pass the defaults). `experts`:
  // the execution model that times the routed experts on one `device` (serving passes the one
  // its execution section names); null: the roofline with `factors`. Throws xpusim::Error when
  // `experts` cannot time routed experts.
  MoeCostModel(const model::ModelSpec& model, const hw::DeviceSpec& device, policy::EpShape shape,
               EpLinks links, bool training, int seq_len, model::RooflineFactors factors = {},
               std::shared_ptr<const model::ExecutionModel> experts = nullptr);

  // Forward time of the non-expert part of one MoE layer on a GPU with `tokens` tokens.
  double dense_seconds(double tokens) const;
  // Forward time of a GPU computing `tokens` token-expert pairs over `active_experts` experts.
  double expert_seconds(double tokens, int active_experts) const;
  // The same at the prefill GEMM efficiency (`prefill`) or the decode one.
  double expert_seconds(double tokens, int active_experts, bool prefill) const;
  // One all-to-all (dispatch, or combine in reverse) when GPU g receives gpu_tokens[g]
  // token-expert pairs, tokens starting evenly spread over the GPUs.
  AllToAll all_to_all(const std::vector<double>& gpu_tokens) const;
  // Copies that turn layout `from` into `to`: each expert new on a GPU comes from a GPU of the
  // same node holding it in `from` if any (NVLink), else over the network.
  AllToAll weight_moves(const policy::ExpertLayout& from, const policy::ExpertLayout& to) const;
  double expert_bytes() const { return expert_bytes_; }
  double hidden_bytes() const { return hidden_bytes_; }
  const policy::EpShape& shape() const { return shape_; }
  const EpLinks& links() const { return links_; }

 private:
  AllToAll port_time(const std::vector<double>& nvl_in, const std::vector<double>& nvl_out,
                     const std::vector<double>& net_in, const std::vector<double>& net_out) const;

  model::RooflineModel roofline_;
  std::shared_ptr<const model::ExecutionModel> experts_;  // null: roofline_
  policy::EpShape shape_;
  EpLinks links_;
  bool training_;
  int seq_len_;
  double hidden_bytes_;  // one token's activation
  double expert_bytes_;  // one expert's weights
};

}  // namespace xpusim::systems
