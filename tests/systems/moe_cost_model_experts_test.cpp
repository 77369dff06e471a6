// MoeCostModel times routed experts with the execution model it is given
// (ExecutionModel::routed_expert_seconds) and refuses one that cannot time them.
#include <gtest/gtest.h>

#include <memory>

#include "model/presets.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/model/roofline_model.hpp"
#include "xpusim/systems/moe_cost_model.hpp"

namespace xpusim::systems {
namespace {

using testing::load_device;
using testing::load_model;

// 4096 pairs over 16 experts are compute-bound. Given a roofline at decode_mfu 0.2, the cost
// model's expert time is that roofline's answer, not its own roofline's at the default factors;
// without one it is its own at `factors`.
TEST(MoeCostModelExperts, TheGivenExecutionModelTimesTheExperts) {
  const model::ModelSpec m = load_model("deepseek-v2-lite");
  const hw::DeviceSpec d = load_device("h200");
  model::RooflineFactors f;
  f.decode_mfu = 0.2;
  const auto timer = std::make_shared<model::RooflineModel>(m, model::Placement{d, 1, 0, 0}, f);
  const double answer = *timer->routed_expert_seconds(4096, 16, false);
  const policy::EpShape shape{m.num_experts, 1, 1, m.num_experts};
  const MoeCostModel given(m, d, shape, {}, false, 1, {}, timer);
  const MoeCostModel own(m, d, shape, {}, false, 1, f);
  const MoeCostModel defaults(m, d, shape, {}, false, 1);
  EXPECT_EQ(given.expert_seconds(4096, 16), answer);
  EXPECT_EQ(own.expert_seconds(4096, 16), answer);
  EXPECT_LT(defaults.expert_seconds(4096, 16), answer);  // decode_mfu 0.49 > 0.2
}

class NoExperts final : public model::ExecutionModel {
 public:
  model::IterationCost estimate(const model::BatchShape&) const override { return {}; }
  std::string name() const override { return "no_experts"; }
};

TEST(MoeCostModelExperts, AModelThatCannotTimeExpertsIsRefused) {
  const model::ModelSpec m = load_model("deepseek-v2-lite");
  const policy::EpShape shape{m.num_experts, 1, 1, m.num_experts};
  EXPECT_THROW(MoeCostModel(m, load_device("h200"), shape, {}, false, 1, {},
                            std::make_shared<NoExperts>()),
               Error);
}

}  // namespace
}  // namespace xpusim::systems
