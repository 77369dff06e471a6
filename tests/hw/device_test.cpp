#include "xpusim/hw/device.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "xpusim/core/error.hpp"

namespace xpusim::hw {
namespace {

struct Log : DeviceObserver {
  std::vector<std::string> events;
  void on_busy(const Device& d, TimeNs now, double activity, std::string_view label) override {
    events.push_back(d.name() + " busy " + std::to_string(now) + " " +
                     std::to_string(activity).substr(0, 4) + " " + std::string(label));
  }
  void on_idle(const Device& d, TimeNs now) override {
    events.push_back(d.name() + " idle " + std::to_string(now));
  }
};

TEST(Device, ObserversSeeEveryStateChange) {
  Device dev(3, "inst0.gpu0", DeviceSpec{});
  Log a, b;
  dev.add_observer(a);
  dev.add_observer(b);
  dev.set_busy(10, 0.5, "prefill");
  dev.set_busy(20, 0.25, "decode");  // a change of work while busy is reported too
  dev.set_idle(30);
  dev.set_idle(40);  // already idle: no change, no report
  const std::vector<std::string> want{"inst0.gpu0 busy 10 0.50 prefill",
                                      "inst0.gpu0 busy 20 0.25 decode", "inst0.gpu0 idle 30"};
  EXPECT_EQ(a.events, want);
  EXPECT_EQ(b.events, want);
  EXPECT_FALSE(dev.busy());
  EXPECT_EQ(dev.id(), 3);
}

TEST(Device, ActivityOutsideUnitRangeIsABug) {
  Device dev(0, "d", DeviceSpec{});
  EXPECT_THROW(dev.set_busy(0, 1.5, "x"), InvariantError);
  EXPECT_THROW(dev.set_busy(0, -0.1, "x"), InvariantError);
}

}  // namespace
}  // namespace xpusim::hw
