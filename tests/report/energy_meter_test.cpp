#include "xpusim/report/energy_meter.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "xpusim/core/error.hpp"

namespace xpusim::report {
namespace {

hw::DeviceSpec spec(double idle_w, double max_w, const char* kind = "gpu") {
  hw::DeviceSpec s;
  s.name = "test";
  s.kind = kind;
  s.idle_power_w = idle_w;
  s.max_power_w = max_w;
  return s;
}

constexpr TimeNs kS = kNsPerS;

// Device a (id 2): idle 100 W, max 400 W; busy at 0.5 over [1, 3) s, at 1.0 over [3, 4) s.
//   E = 100 * 10 + 300 * (0.5 * 2 + 1.0 * 1) = 1600 J; busy 4 - 1 = 3 s of 10.
// Device b (id 5): idle 50 W, max 150 W; busy at 1.0 over [2, 7) s, at 0.2 from 9 s to the end.
//   E = 50 * 10 + 100 * (1.0 * 5 + 0.2 * 1) = 1020 J; busy 6 s of 10.
class EnergyMeterTest : public ::testing::Test {
 protected:
  hw::Device a{2, "inst0.gpu0", spec(100, 400)};
  hw::Device b{5, "inst0.npu0", spec(50, 150, "npu")};
  EnergyMeter meter;

  void run_sequence() {
    meter.track(b);  // registration order must not matter
    meter.track(a);
    meter.on_busy(a, 1 * kS, 0.5, "prefill");
    meter.on_busy(b, 2 * kS, 1.0, "decode");
    meter.on_busy(a, 3 * kS, 1.0, "decode");  // activity changes while busy
    meter.on_idle(a, 4 * kS);
    meter.on_idle(a, 5 * kS);  // idle while idle: no effect
    meter.on_idle(b, 7 * kS);
    meter.on_busy(b, 9 * kS, 0.2, "decode");
    meter.finish(10 * kS);  // b still busy: closed here
  }
};

TEST_F(EnergyMeterTest, MatchesHandComputedEnergy) {
  run_sequence();
  EXPECT_NEAR(meter.energy_j(2), 1600.0, 1e-9);
  EXPECT_NEAR(meter.energy_j(5), 1020.0, 1e-9);
  EXPECT_NEAR(meter.total_energy_j(), 2620.0, 1e-9);
  EXPECT_DOUBLE_EQ(meter.busy_fraction(2), 0.3);
  EXPECT_DOUBLE_EQ(meter.busy_fraction(5), 0.6);
}

TEST_F(EnergyMeterTest, SummaryJson) {
  run_sequence();
  const auto j = meter.summary(100);
  EXPECT_NEAR(j.at("energy").at("total_j").get<double>(), 2620.0, 1e-9);
  EXPECT_NEAR(j.at("energy").at("j_per_output_token").get<double>(), 26.2, 1e-9);
  EXPECT_NEAR(j.at("energy").at("per_device").at("inst0.npu0").get<double>(), 1020.0, 1e-9);
  EXPECT_DOUBLE_EQ(j.at("utilization").at("inst0.gpu0").get<double>(), 0.3);
  EXPECT_TRUE(meter.summary(0).at("energy").at("j_per_output_token").is_null());
}

TEST_F(EnergyMeterTest, DevicesCsvInIdOrder) {
  run_sequence();
  std::ostringstream os;
  meter.write_devices_csv(os);
  EXPECT_EQ(os.str(),
            "device,kind,busy_s,busy_fraction,energy_j,avg_power_w\n"
            "inst0.gpu0,gpu,3.000000000,0.300000,1600.000000,160.000000\n"
            "inst0.npu0,npu,6.000000000,0.600000,1020.000000,102.000000\n");
}

// Registration out of id order inserts meters in the middle (track() renumbers only the ones
// after the insertion point): each device's changes must still reach its own meter. Device i
// (idle 100 W, max 400 W) is busy at activity 0.1 * (i + 1) for i + 1 s of 10:
//   E_i = 100 * 10 + 300 * 0.1 * (i + 1)^2.
TEST(EnergyMeterOrder, DevicesRegisteredOutOfIdOrderKeepTheirOwnMeters) {
  std::vector<std::unique_ptr<hw::Device>> devices;
  for (const int id : {4, 0, 2, 1, 3, 6, 5})
    devices.push_back(std::make_unique<hw::Device>(id, "d" + std::to_string(id), spec(100, 400)));
  EnergyMeter meter;
  for (const auto& d : devices) meter.track(*d);
  for (const auto& d : devices) meter.on_busy(*d, 0, 0.1 * (d->id() + 1), "x");
  for (const auto& d : devices) meter.on_idle(*d, (d->id() + 1) * kS);
  meter.finish(10 * kS);
  for (const auto& d : devices) {
    const double n = d->id() + 1;
    EXPECT_NEAR(meter.energy_j(d->id()), 1000.0 + 30.0 * n * n, 1e-9) << "device " << d->id();
    EXPECT_DOUBLE_EQ(meter.busy_fraction(d->id()), n / 10.0);
  }
}

TEST_F(EnergyMeterTest, IdleAllRunIsIdlePowerTimesTime) {
  meter.track(a);
  meter.finish(3 * kS);
  EXPECT_NEAR(meter.energy_j(2), 300.0, 1e-12);
  EXPECT_EQ(meter.busy_fraction(2), 0.0);
}

TEST_F(EnergyMeterTest, RejectsMisuse) {
  meter.track(a);
  EXPECT_THROW(meter.track(a), Error);
  EXPECT_THROW(meter.on_busy(b, 0, 1.0, "x"), InvariantError);  // untracked
  meter.on_busy(a, 5 * kS, 1.0, "x");
  EXPECT_THROW(meter.on_idle(a, 4 * kS), InvariantError);  // clock went backwards
  hw::Device bad{7, "bad", spec(200, 100)};
  EXPECT_THROW(meter.track(bad), Error);
}

// Invariant (docs/invariants.md): a device never uses less than idle power x time, however its
// busy periods fall (checked again in EnergyMeter::finish). It holds because busy power is
// idle + (max - idle) x activity with activity in [0, 1] and max >= idle, which the meter
// enforces when it starts tracking a device (and the loader when it reads the hardware).
TEST(EnergyMeterInvariant, EnergyNeverBelowIdlePowerTimesTime) {
  hw::Device d{0, "inst0.gpu0", spec(100, 400)};
  EnergyMeter meter;
  meter.track(d);
  for (int i = 0; i < 10; ++i) {
    meter.on_busy(d, (2 * i) * kS, 0.1 * i, "decode");  // activity 0 .. 0.9
    meter.on_idle(d, (2 * i + 1) * kS);
  }
  meter.finish(20 * kS);
  EXPECT_GE(meter.energy_j(0), 100.0 * 20);
  EXPECT_NEAR(meter.energy_j(0), 100.0 * 20 + 300.0 * 4.5, 1e-9);  // sum of activities x 1 s
  hw::Device broken{1, "inst1.gpu0", spec(100, 50)};  // busy would draw less than idle
  EnergyMeter m2;
  EXPECT_ANY_THROW(m2.track(broken));
}

}  // namespace
}  // namespace xpusim::report
