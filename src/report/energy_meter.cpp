#include "xpusim/report/energy_meter.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"
#include "xpusim/report/text_format.hpp"

namespace xpusim::report {

void EnergyMeter::track(const hw::Device& device) {
  XPUSIM_CHECK(!finished_, "EnergyMeter::track after finish");
  if (device.id() < 0) throw Error("device " + device.name() + " has a negative id");
  const auto id = static_cast<std::size_t>(device.id());
  if (id < slot_by_id_.size() && slot_by_id_[id] >= 0)
    throw Error("device id " + std::to_string(id) + " (" + device.name() + ") tracked twice");
  const auto& spec = device.spec();
  if (spec.idle_power_w < 0 || spec.max_power_w < spec.idle_power_w)
    throw Error("device " + device.name() + ": need 0 <= idle_power_w <= max_power_w");
  Meter m;
  m.device = &device;
  m.has_held = spec.held_power_w > 0;
  if (m.has_held) m.hold_ns = static_cast<double>(duration_ns_ceil(spec.hold_s));
  // Keep meters_ sorted by id so summaries and CSV rows never depend on registration order.
  const auto pos = std::lower_bound(meters_.begin(), meters_.end(), device.id(),
                                    [](const Meter& a, int b) { return a.device->id() < b; });
  const auto first_moved = static_cast<std::size_t>(pos - meters_.begin());
  meters_.insert(pos, m);
  if (slot_by_id_.size() <= id) slot_by_id_.resize(id + 1, -1);
  // Only the meters from the insertion point on moved (none but the new one when devices come
  // in id order, as scenarios create them): O(1) per device then, not O(devices).
  for (std::size_t i = first_moved; i < meters_.size(); ++i)
    slot_by_id_[static_cast<std::size_t>(meters_[i].device->id())] = static_cast<std::int32_t>(i);
}

void EnergyMeter::attach(hw::Device& device) {
  track(device);
  device.add_observer(*this);
}

EnergyMeter::Meter& EnergyMeter::meter_for(const hw::Device& device, TimeNs now) {
  const auto id = static_cast<std::size_t>(device.id());
  XPUSIM_CHECK(id < slot_by_id_.size() && slot_by_id_[id] >= 0, "EnergyMeter: untracked device");
  XPUSIM_CHECK(!finished_, "EnergyMeter: device change after finish");
  Meter& m = meters_[static_cast<std::size_t>(slot_by_id_[id])];
  XPUSIM_CHECK(now >= m.since_ns, "EnergyMeter: device time went backwards");
  return m;
}

void EnergyMeter::close_interval(Meter& m, TimeNs now) {
  if (m.busy) {
    const TimeNs dt = now - m.since_ns;
    m.busy_ns += dt;
    m.activity_busy_ns += m.activity * static_cast<double>(dt);
  } else if (m.worked && m.has_held) {
    // The idle interval began when the last work ended: its first hold_s are held.
    m.held_ns += static_cast<TimeNs>(std::min(static_cast<double>(now - m.since_ns), m.hold_ns));
  }
  m.since_ns = now;
}

void EnergyMeter::on_busy(const hw::Device& device, TimeNs now, double activity,
                          std::string_view) {
  Meter& m = meter_for(device, now);
  close_interval(m, now);
  m.busy = true;
  m.worked = true;
  m.activity = std::clamp(activity, 0.0, 1.0);
}

void EnergyMeter::on_idle(const hw::Device& device, TimeNs now) {
  Meter& m = meter_for(device, now);
  close_interval(m, now);
  m.busy = false;
}

void EnergyMeter::finish(TimeNs end_ns) {
  XPUSIM_CHECK(!finished_, "EnergyMeter::finish called twice");
  for (Meter& m : meters_) {
    XPUSIM_CHECK(end_ns >= m.since_ns, "EnergyMeter::finish at " + std::to_string(end_ns) +
                                           " ns, before the last device change at " +
                                           std::to_string(m.since_ns) + " ns");
    close_interval(m, end_ns);
  }
  end_ns_ = end_ns;
  finished_ = true;
  // A device never draws less than its idle power (failed and idle devices included).
  for (const Meter& m : meters_) {
    const double floor_j = m.device->spec().idle_power_w * (static_cast<double>(end_ns_) / 1e9);
    XPUSIM_DEBUG_CHECK(energy_of(m) >= floor_j * (1 - 1e-12),
                       "device " + m.device->name() + " used less than idle power x time");
  }
}

double EnergyMeter::energy_of(const Meter& m) const {
  const auto& spec = m.device->spec();
  const double base_j = spec.idle_power_w * (static_cast<double>(end_ns_) / 1e9);
  if (spec.held_power_w <= 0)
    return base_j + (spec.max_power_w - spec.idle_power_w) * (m.activity_busy_ns / 1e9);
  // Held and busy time both sit on the held floor; busy adds the range above it.
  const double held_floor_s = static_cast<double>(m.held_ns + m.busy_ns) / 1e9;
  return base_j + (spec.held_power_w - spec.idle_power_w) * held_floor_s +
         (spec.max_power_w - spec.held_power_w) * (m.activity_busy_ns / 1e9);
}

double EnergyMeter::held_s(int device_id) const {
  return static_cast<double>(meter_of(device_id).held_ns) / 1e9;
}

const EnergyMeter::Meter& EnergyMeter::meter_of(int device_id) const {
  XPUSIM_CHECK(finished_, "EnergyMeter queried before finish");
  const auto id = static_cast<std::size_t>(device_id);
  XPUSIM_CHECK(device_id >= 0 && id < slot_by_id_.size() && slot_by_id_[id] >= 0,
               "EnergyMeter: untracked device id");
  return meters_[static_cast<std::size_t>(slot_by_id_[id])];
}

double EnergyMeter::energy_j(int device_id) const { return energy_of(meter_of(device_id)); }

double EnergyMeter::busy_fraction(int device_id) const {
  if (end_ns_ <= 0) return 0.0;
  return static_cast<double>(meter_of(device_id).busy_ns) / static_cast<double>(end_ns_);
}

double EnergyMeter::total_energy_j() const {
  XPUSIM_CHECK(finished_, "EnergyMeter queried before finish");
  double total = 0;
  for (const Meter& m : meters_) total += energy_of(m);  // id order: a fixed summation order
  return total;
}

nlohmann::json EnergyMeter::summary(std::int64_t output_tokens) const {
  const double total = total_energy_j();
  nlohmann::json per_device = nlohmann::json::object();
  nlohmann::json utilization = nlohmann::json::object();
  for (const Meter& m : meters_) {
    per_device[m.device->name()] = energy_of(m);
    utilization[m.device->name()] = busy_fraction(m.device->id());
  }
  nlohmann::json j;
  j["energy"] = {{"total_j", total},
                 {"j_per_output_token", output_tokens > 0
                                            ? nlohmann::json(total / static_cast<double>(output_tokens))
                                            : nlohmann::json(nullptr)},
                 {"per_device", std::move(per_device)}};
  j["utilization"] = std::move(utilization);
  return j;
}

void EnergyMeter::write_devices_csv(std::ostream& out) const {
  XPUSIM_CHECK(finished_, "EnergyMeter queried before finish");
  out << "device,kind,busy_s,busy_fraction,energy_j,avg_power_w\n";
  const double span_s = static_cast<double>(end_ns_) / 1e9;
  for (const Meter& m : meters_) {
    const double energy = energy_of(m);
    write_csv_cell(out, m.device->name());
    out << ',';
    write_csv_cell(out, m.device->spec().kind);
    out << ',';
    write_ns_as_seconds(out, m.busy_ns);
    out << ',' << format_fixed(busy_fraction(m.device->id()), 6) << ','
        << format_fixed(energy, 6) << ',' << (span_s > 0 ? format_fixed(energy / span_s, 6) : "")
        << '\n';
  }
}

}  // namespace xpusim::report
