// The offload quality proxy on a hand-computed layer: routing mass (gate scores) routed and
// computed by a buddy, weighted by 1 - the buddy's similarity (docs/moe.md, "Offload").
#include <gtest/gtest.h>

#include "xpusim/systems/offload_layers.hpp"

namespace xpusim::systems {
namespace {

model::ModelSpec tiny_moe() {
  model::ModelSpec m;
  m.name = "tiny-moe";
  m.num_layers = 1, m.first_dense_layers = 0;
  m.hidden = 1024, m.num_heads = 8, m.num_kv_heads = 8, m.head_dim = 128;
  m.num_experts = 3, m.experts_top_k = 2, m.expert_ffn_hidden = 2048, m.vocab = 1000;
  return m;
}

hw::DeviceSpec gpu() {
  hw::DeviceSpec d;
  d.name = "gpu";
  d.peak_bf16_flops = 1e15, d.peak_fp32_flops = 5e13;
  d.memory_bytes = 24e9, d.memory_bw_bytes_per_s = 3e12, d.max_power_w = 300;
  d.pcie_bw_bytes_per_s = 32e9;
  return d;
}

// Substitutes expert 0 by expert 1 (similarity 0.5) and runs everything else on the GPU.
struct SubstituteZero final : policy::ExpertOffloadPolicy {
  policy::OffloadDecision schedule(const policy::OffloadLayerView& v) override {
    policy::OffloadDecision d;
    const std::size_t n = v.tokens.size();
    d.run.assign(n, policy::ExpertRun::Gpu);
    d.substitute.assign(n, -1);
    d.similarity.assign(n, 0.0);
    for (std::size_t e = 1; e < n; ++e)
      if (v.tokens[e] > 0) d.gpu_order.push_back(static_cast<int>(e));
    d.run[0] = policy::ExpertRun::Substitute, d.substitute[0] = 1, d.similarity[0] = 0.5;
    return d;
  }
  int victim(int, const std::vector<bool>&, const std::vector<bool>&) override { return -1; }
  void on_layer_done(const policy::OffloadLayerView&) override {}
};

struct Layer {
  model::ModelSpec model = tiny_moe();
  OffloadCostModel cost{model, gpu(), CpuSpec{}, 32e9, 0, false, 1};
  OffloadLayers layers{1, 3, 3, 2};  // every expert resident
  SubstituteZero policy;
};

TEST(OffloadQuality, SubstitutedMassWeightedBySimilarity) {
  Layer f;
  // Token 0 picks expert 0 (score 0.75) and 1 (0.25); token 1 picks 1 (0.6) and 2 (0.4).
  workload::TokenRoutes routes;
  routes.top_k = 2;
  routes.experts = {{0, 1, 1, 2}};
  routes.scores = {{0.75, 0.25, 0.6, 0.4}};
  const std::vector<std::int64_t> tokens{1, 2, 1};
  OffloadIterationRecord rec;
  f.layers.run_layer(0, tokens, 0, 0, false, f.cost, f.policy, rec, &routes);
  EXPECT_DOUBLE_EQ(rec.routed_mass, 2.0);            // one per token
  EXPECT_DOUBLE_EQ(rec.substituted_mass, 0.75);      // expert 0's mass
  EXPECT_DOUBLE_EQ(rec.substituted_loss, 0.375);     // 0.75 x (1 - 0.5)
  EXPECT_EQ(rec.substituted_pairs, 1);
}

TEST(OffloadQuality, CountsOnlyWeighEveryAssignmentOneOverTopK) {
  Layer f;
  const std::vector<std::int64_t> tokens{3, 2, 1};  // 3 tokens x top-2
  OffloadIterationRecord rec;
  f.layers.run_layer(0, tokens, 0, 0, false, f.cost, f.policy, rec);
  EXPECT_DOUBLE_EQ(rec.routed_mass, 3.0);
  EXPECT_DOUBLE_EQ(rec.substituted_mass, 1.5);
  EXPECT_DOUBLE_EQ(rec.substituted_loss, 0.75);
}

}  // namespace
}  // namespace xpusim::systems
