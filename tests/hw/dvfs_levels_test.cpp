// DVFS levels of an SoC engine: parsing (clock:voltage pairs ending at the top, 1:1), and the
// dynamic-power fraction of a level (CMOS: clock x voltage^2).
#include <gtest/gtest.h>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/hw/dvfs_levels.hpp"

namespace xpusim::hw {
namespace {

TEST(DvfsLevels, ParseInOrderAndGivePowerAsClockTimesVoltageSquared) {
  const auto levels = parse_dvfs_levels(" 0.4:0.7, 0.8:0.9 ,1:1", "npu_dvfs_levels");
  ASSERT_EQ(levels.size(), 3u);
  EXPECT_DOUBLE_EQ(levels[0].clock, 0.4);
  EXPECT_DOUBLE_EQ(levels[0].voltage, 0.7);
  // 0.4 x 0.7^2 = 0.196; 0.8 x 0.81 = 0.648; the top level draws the whole range.
  EXPECT_NEAR(levels[0].dynamic_power_fraction(), 0.196, 1e-12);
  EXPECT_NEAR(levels[1].dynamic_power_fraction(), 0.648, 1e-12);
  EXPECT_EQ(levels[2].dynamic_power_fraction(), 1.0);
  EXPECT_EQ(format_dvfs_levels(levels), "0.4:0.7,0.8:0.9,1:1");
  EXPECT_TRUE(parse_dvfs_levels("  ", "k").empty());
}

TEST(DvfsLevels, BadListsNameTheKey) {
  for (const char* bad : {"0.5", "0.5:1.2,1:1", "0:0.5,1:1", "0.8:0.9,0.5:0.7,1:1",
                          "0.5:0.9,0.8:0.8,1:1", "0.5:0.7,0.9:0.9", "a:b,1:1", "0.5:0.7,,1:1"}) {
    try {
      parse_dvfs_levels(bad, "igpu_dvfs_levels");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const ParamError& e) {
      EXPECT_EQ(e.key(), "igpu_dvfs_levels") << bad;
    }
  }
}

TEST(DvfsLevels, LinearVoltageRunsFromTheFloorToOne) {
  EXPECT_DOUBLE_EQ(linear_voltage(0.0, 0.5), 0.5);
  EXPECT_DOUBLE_EQ(linear_voltage(0.5, 0.5), 0.75);
  EXPECT_EQ(linear_voltage(1.0, 0.5), 1.0);
}

}  // namespace
}  // namespace xpusim::hw
