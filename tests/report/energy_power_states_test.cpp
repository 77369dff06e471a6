// The power model's extensions (docs/hardware.md): a held-idle state after work distinct from
// cold idle, and the weighted activity, checked against hand-computed energies.
#include <gtest/gtest.h>

#include "xpusim/report/energy_meter.hpp"

namespace xpusim::report {
namespace {

constexpr TimeNs kS = kNsPerS;

hw::DeviceSpec held_spec(double hold_s) {
  hw::DeviceSpec s;
  s.name = "gpu";
  s.idle_power_w = 70;   // cold idle
  s.held_power_w = 110;  // engine holds the device: context live, clocks up
  s.hold_s = hold_s;
  s.max_power_w = 700;
  return s;
}

// Cold until the first work at 2 s; busy at 0.5 over [2, 4); idle from 4 s: held for hold_s = 3
// s (to 7 s), then cold; busy at 1.0 over [8, 9): the 1 s gap [7, 8) is cold; held again from
// 9 s to the end at 10 s.
//   cold:  [0, 2) + [7, 8)            = 3 s x 70 W                 = 210 J
//   held:  [4, 7) + [9, 10)           = 4 s x 110 W                = 440 J
//   busy:  110 + 590 x 0.5 over 2 s   = 405 W x 2 s                = 810 J
//          110 + 590 x 1.0 over 1 s   = 700 W x 1 s                = 700 J
//   total                                                          = 2160 J
TEST(EnergyPowerStates, HeldIdleThenColdIdleByHand) {
  hw::Device d{0, "inst0.gpu0", held_spec(3.0)};
  EnergyMeter meter;
  meter.attach(d);
  d.set_busy(2 * kS, 0.5, "prefill");
  d.set_idle(4 * kS);
  d.set_busy(8 * kS, 1.0, "prefill");
  d.set_idle(9 * kS);
  meter.finish(10 * kS);
  EXPECT_NEAR(meter.energy_j(0), 2160.0, 1e-9);
  EXPECT_DOUBLE_EQ(meter.held_s(0), 4.0);
  EXPECT_DOUBLE_EQ(meter.busy_fraction(0), 0.3);
}

// Without a held draw (held_power_w = 0) the same run is the plain linear model:
//   70 x 10 + 630 x (0.5 x 2 + 1.0 x 1) = 700 + 1260 = 1960 J, and nothing is held.
TEST(EnergyPowerStates, NoHeldPowerIsThePlainModel) {
  hw::DeviceSpec s = held_spec(3.0);
  s.held_power_w = 0;
  hw::Device d{0, "inst0.gpu0", s};
  EnergyMeter meter;
  meter.attach(d);
  d.set_busy(2 * kS, 0.5, "prefill");
  d.set_idle(4 * kS);
  d.set_busy(8 * kS, 1.0, "prefill");
  d.set_idle(9 * kS);
  meter.finish(10 * kS);
  EXPECT_NEAR(meter.energy_j(0), 1960.0, 1e-9);
  EXPECT_DOUBLE_EQ(meter.held_s(0), 0.0);
}

TEST(EnergyPowerStates, WeightedActivityAndCap) {
  hw::DeviceSpec s = held_spec(0);
  s.held_power_w = 0;
  // Defaults: the larger utilisation, unweighted.
  EXPECT_DOUBLE_EQ(s.activity(0.3, 0.8), 0.8);
  EXPECT_DOUBLE_EQ(s.activity(1.4, 0.2), 1.0);  // clamped
  // Memory-bound work weighted at 0.6: 0.6 x 0.8 = 0.48 beats 0.3 compute.
  s.memory_power_weight = 0.6;
  EXPECT_DOUBLE_EQ(s.activity(0.3, 0.8), 0.48);
  EXPECT_DOUBLE_EQ(s.busy_power_w(0.48), 70 + 630 * 0.48);
  // A 385 W cap allows (385 - 70) / 630 = 0.5 of the dynamic range.
  EXPECT_DOUBLE_EQ(s.max_activity(), 1.0);
  s.power_cap_w = 385;
  EXPECT_DOUBLE_EQ(s.max_activity(), 0.5);
}

}  // namespace
}  // namespace xpusim::report
