// ExecutionModel::routed_expert_seconds: the roofline times a routed expert's GEMMs with its own
// factors (hand-counted FLOPs and bytes through the roofline formula); the engine wrapper
// forwards it; a model that does not override it answers nullopt (cannot).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "model/presets.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/model/engine_overhead_model.hpp"
#include "xpusim/model/roofline_model.hpp"

namespace xpusim::model {
namespace {

using testing::load_device;
using testing::load_model;

// max(FLOPs / (peak x MFU), bytes / (bandwidth x efficiency)) + one kernel's latency, with
// FLOPs = 2 x expert params per token-expert pair (three GEMMs of a gated FFN) and bytes = the
// active experts' weights once + four hidden vectors per pair.
double by_hand(const ModelSpec& m, const hw::DeviceSpec& d, const RooflineFactors& f, double peak,
               double tokens, int active, bool prefill) {
  const double bpe = hw::bytes_per_element(m.dtype);
  const double flops = tokens * 2.0 * m.expert_params();
  const double bytes = active * m.expert_params() * bpe + tokens * 4.0 * m.hidden * bpe;
  const double mfu = prefill ? f.prefill_mfu : f.decode_mfu;
  return std::max(flops / (peak * mfu), bytes / (d.memory_bw_bytes_per_s * f.memory_efficiency)) +
         f.op_latency_s;
}

TEST(RoutedExpertSeconds, RooflineUsesItsOwnFactorsOnHandCountedWork) {
  const ModelSpec m = load_model("deepseek-v2-lite");
  const hw::DeviceSpec d = load_device("h200");
  RooflineFactors f;
  f.prefill_mfu = 0.5;
  f.decode_mfu = 0.3;
  f.memory_efficiency = 0.6;
  f.op_latency_s = 2e-6;
  const RooflineModel r(m, Placement{d, 1, 0, 0}, f);
  const double peak = r.compute_peak_flops();
  for (const bool prefill : {false, true})
    for (const auto& [tokens, active] : {std::pair{8.0, 8}, std::pair{4096.0, 64}}) {
      const auto s = r.routed_expert_seconds(tokens, active, prefill);
      ASSERT_TRUE(s.has_value());
      EXPECT_NEAR(*s, by_hand(m, d, f, peak, tokens, active, prefill), 1e-12 * *s)
          << tokens << " tokens, prefill " << prefill;
    }
  EXPECT_EQ(r.routed_expert_seconds(0, 4, true), 0.0);
}

TEST(RoutedExpertSeconds, EngineOverheadForwardsTheInnerModelsAnswer) {
  const ModelSpec m = load_model("deepseek-v2-lite");
  const hw::DeviceSpec d = load_device("h200");
  RooflineFactors f;
  f.decode_mfu = 0.2;
  auto inner = std::make_unique<RooflineModel>(m, Placement{d, 1, 0, 0}, f);
  const double direct = *inner->routed_expert_seconds(512, 16, false);
  const EngineOverheadModel wrapped(std::move(inner), EngineOverhead{});
  EXPECT_EQ(wrapped.routed_expert_seconds(512, 16, false), direct);
}

class NoExperts final : public ExecutionModel {
 public:
  IterationCost estimate(const BatchShape&) const override { return {}; }
  std::string name() const override { return "no_experts"; }
};

TEST(RoutedExpertSeconds, AModelThatDoesNotSayCannotTimeExperts) {
  EXPECT_FALSE(NoExperts().routed_expert_seconds(8, 1, false).has_value());
}

}  // namespace
}  // namespace xpusim::model
