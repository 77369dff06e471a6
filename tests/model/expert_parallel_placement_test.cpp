// Placement::expert_parallel: the execution model leaves the routed experts of MoE layers to the
// serving instance's expert-parallel stage.
#include <gtest/gtest.h>

#include "model/presets.hpp"
#include "xpusim/model/roofline_model.hpp"

namespace xpusim::model {
namespace {

using testing::load_device;
using testing::load_model;

// The same layer with and without routed experts differs exactly in up/gate, activation and
// down; a dense layer does not differ at all.
TEST(ExpertParallelPlacement, RoutedExpertsAreLeftOutAndNothingElse) {
  const ModelSpec m = load_model("deepseek-v2-lite");
  const OperatorCosts with(m, 1), without(m, 1, false);
  LayerTokens t;
  t.decode_seqs = 32, t.decode_context = 32 * 500.0;
  OpWorks a, b;
  with.layer(t, true, a);
  without.layer(t, true, b);
  for (int i = 0; i < kOpCount; ++i) {
    const Op op = static_cast<Op>(i);
    if (op == Op::UpGate || op == Op::Act || op == Op::Down) {
      EXPECT_GT(a[i].flops, 0) << op_name(op);
      EXPECT_TRUE(b[i].empty()) << op_name(op);
    } else {
      EXPECT_EQ(a[i].flops, b[i].flops) << op_name(op);
      EXPECT_EQ(a[i].bytes, b[i].bytes) << op_name(op);
    }
  }
  with.layer(t, false, a);
  without.layer(t, false, b);
  for (int i = 0; i < kOpCount; ++i) EXPECT_EQ(a[i].bytes, b[i].bytes);
}

}  // namespace
}  // namespace xpusim::model
