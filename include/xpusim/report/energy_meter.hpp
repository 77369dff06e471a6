#pragma once
// Energy and utilization accounting: observes device state changes and integrates power over
// time lazily (only when a device changes state), as SimGrid's energy plugin does.
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "xpusim/core/time.hpp"
#include "xpusim/hw/device.hpp"

namespace xpusim::report {

// Power model: idle_power_w while idle; idle + (max - idle) * activity while busy. A device's
// energy is idle_w * T + (max_w - idle_w) * sum(activity_i * busy_i), so the only per-change
// work is one multiply-add. With held_power_w set (docs/hardware.md), idle time up to hold_s
// after work draws held_power_w, and busy power starts from held_power_w instead of idle.
class EnergyMeter : public hw::DeviceObserver {
 public:
  // Registers a device, idle from t = 0. The caller also subscribes this meter to the device
  // (or uses attach()). Tracking the same device id twice is an error.
  void track(const hw::Device& device);
  // track() plus device.add_observer(*this).
  void attach(hw::Device& device);

  void on_busy(const hw::Device& device, TimeNs now, double activity,
               std::string_view label) override;
  void on_idle(const hw::Device& device, TimeNs now) override;

  // Closes every device's current interval at `end_ns` (the makespan). Call once, after the run.
  void finish(TimeNs end_ns);

  // {energy: {total_j, j_per_output_token, per_device: {name: j}}, utilization: {name: busy
  // fraction}}. j_per_output_token is null when output_tokens is 0. Requires finish().
  nlohmann::json summary(std::int64_t output_tokens) const;
  // devices.csv: device, kind, busy_s, busy_fraction, energy_j, avg_power_w; rows by device id.
  void write_devices_csv(std::ostream& out) const;

  double total_energy_j() const;
  double energy_j(int device_id) const;
  double busy_fraction(int device_id) const;
  // Idle seconds the device spent held (held_power_w), not cold; 0 without a held state.
  double held_s(int device_id) const;

 private:
  struct Meter {
    const hw::Device* device = nullptr;
    bool busy = false;
    double activity = 0;
    TimeNs since_ns = 0;           // start of the current interval
    TimeNs busy_ns = 0;            // closed busy time
    double activity_busy_ns = 0;   // sum over closed busy intervals of activity * duration
    TimeNs held_ns = 0;            // closed idle time spent in the held state
    bool worked = false;           // has been busy at least once (a held state can follow)
    // The device's held state, copied at track() so a state change reads only this record.
    bool has_held = false;         // spec().held_power_w > 0
    double hold_ns = 0;            // duration_ns_ceil(spec().hold_s)
  };
  Meter& meter_for(const hw::Device& device, TimeNs now);
  const Meter& meter_of(int device_id) const;
  void close_interval(Meter& m, TimeNs now);
  double energy_of(const Meter& m) const;

  std::vector<Meter> meters_;            // in device-id order, for deterministic output
  std::vector<std::int32_t> slot_by_id_;  // device id -> index into meters_, -1 when untracked
  TimeNs end_ns_ = 0;
  bool finished_ = false;
};

}  // namespace xpusim::report
