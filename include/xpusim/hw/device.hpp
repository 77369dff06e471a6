#pragma once
// A device instance in a simulation: reports its state changes (idle, busy at some activity)
// to observers. Accounting (energy, utilization, timelines) subscribes; the device itself
// computes no metric.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "xpusim/core/time.hpp"
#include "xpusim/hw/device_spec.hpp"

namespace xpusim::hw {

class Device;

// Observes device state changes. `activity` in [0, 1] is the fraction of the device's dynamic
// power range the running work draws (see docs/hardware.md, power model).
class DeviceObserver {
 public:
  virtual ~DeviceObserver() = default;
  virtual void on_busy(const Device& device, TimeNs now, double activity,
                       std::string_view label) = 0;
  virtual void on_idle(const Device& device, TimeNs now) = 0;
};

class Device {
 public:
  Device(int id, std::string instance_name, DeviceSpec spec)
      : id_(id), name_(std::move(instance_name)), spec_(std::move(spec)) {}

  int id() const { return id_; }
  const std::string& name() const { return name_; }  // unique in the scenario, e.g. "inst0.gpu0"
  const DeviceSpec& spec() const { return spec_; }
  bool busy() const { return busy_; }
  double activity() const { return activity_; }  // 0 while idle

  // Starts (or changes) the work the device runs. Observers are told at once.
  void set_busy(TimeNs now, double activity, std::string_view label);
  // Observers are told only when the device was busy (a repeated idle is not a change).
  void set_idle(TimeNs now);
  void add_observer(DeviceObserver& observer) { observers_.push_back(&observer); }

 private:
  // What a state change touches comes first, in one cache line; the spec (hundreds of bytes)
  // after it.
  int id_;
  bool busy_ = false;
  double activity_ = 0.0;
  std::vector<DeviceObserver*> observers_;
  std::string name_;
  DeviceSpec spec_;
};

}  // namespace xpusim::hw
