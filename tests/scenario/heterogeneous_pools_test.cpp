// Splitwise-style pools: decode instances on other hardware than prefill instances.
#include <gtest/gtest.h>

#include "xpusim/scenario/scenario_loader.hpp"
#include "xpusim/scenario/simulation.hpp"

namespace xpusim::scenario {
namespace {

TEST(HeterogeneousPools, DecodeHardwareDrivesDecodeSpeedOnly) {
  const Catalogs catalogs = build_catalogs();
  const ScenarioSpec same = load_scenario("configs/disaggregation.yaml", {}, catalogs);
  const ScenarioSpec faster = load_scenario("configs/disaggregation.yaml",
                                            {"decode_hardware.preset=h100-sxm"}, catalogs);
  ASSERT_TRUE(faster.decode_device.has_value());
  EXPECT_EQ(faster.decode_device->name, "h100-sxm");
  EXPECT_EQ(faster.device.name, "a100-80gb");
  const auto a = run_scenario(same, catalogs, {}).summary;
  const auto b = run_scenario(faster, catalogs, {}).summary;
  EXPECT_EQ(b["requests"]["completed"], a["requests"]["completed"]);
  // Decode is memory-bound: H100's 3.35 TB/s against A100's 2.04 TB/s must show in TPOT
  // (well over 20% faster), while prefill, still on the A100, keeps TTFT within a few percent
  // (it changes only through decode-side queueing of hand-offs).
  const double tpot_a = a["tpot_s"]["p50"], tpot_b = b["tpot_s"]["p50"];
  EXPECT_LT(tpot_b, 0.8 * tpot_a) << tpot_b << " vs " << tpot_a;
  const double ttft_a = a["ttft_s"]["p50"], ttft_b = b["ttft_s"]["p50"];
  EXPECT_NEAR(ttft_b, ttft_a, 0.05 * ttft_a);
}

TEST(HeterogeneousPools, DecodeHardwareWithoutDisaggregationIsAnError) {
  const Catalogs catalogs = build_catalogs();
  try {
    load_scenario("configs/quickstart.yaml", {"decode_hardware.preset=a100-80gb"}, catalogs);
    FAIL() << "decode_hardware without decode instances loaded";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.messages().size(), 1u);
    EXPECT_NE(e.messages()[0].find("key 'decode_hardware'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace xpusim::scenario
