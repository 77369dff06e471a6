#include "xpusim/hw/device.hpp"

#include "xpusim/core/error.hpp"

namespace xpusim::hw {

void Device::set_busy(TimeNs now, double activity, std::string_view label) {
  XPUSIM_CHECK(activity >= 0.0 && activity <= 1.0, "device activity outside [0, 1]");
  busy_ = true;
  activity_ = activity;
  for (DeviceObserver* o : observers_) o->on_busy(*this, now, activity, label);
}

void Device::set_idle(TimeNs now) {
  // Idempotent: observers integrate power between changes, so a repeated idle is no change.
  if (!busy_) return;
  busy_ = false;
  activity_ = 0.0;
  for (DeviceObserver* o : observers_) o->on_idle(*this, now);
}

}  // namespace xpusim::hw
