#include "xpusim/systems/fault_injector.hpp"

#include <string>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

namespace {
// Random failures drawn past this are never reached (the horizon is at most 9e9 s).
constexpr double kNeverS = 9.0e9;
}  // namespace

FaultInjector::FaultInjector(Simulator& sim, FaultTarget& cluster, FaultConfig config)
    : sim_(sim), cluster_(cluster), config_(std::move(config)) {
  const std::size_t n = cluster_.fault_domains();
  depth_.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    rng_.emplace_back(config_.seed, "faults.inst" + std::to_string(i));
}

void FaultInjector::start() {
  for (const auto& f : config_.scheduled) {
    XPUSIM_CHECK(f.instance < depth_.size(), "scheduled fault on a non-existent instance");
    sim_.schedule_at(f.at_ns, *this, kFail, f.instance);
    sim_.schedule_at(f.at_ns + f.duration_ns, *this, kRecover, f.instance);
  }
  if (config_.mtbf_s <= 0) return;
  for (std::size_t i = 0; i < depth_.size(); ++i) {
    const double at_s = ns_to_seconds(sim_.now()) + rng_[i].exponential(1.0 / config_.mtbf_s);
    if (at_s < kNeverS) sim_.schedule_at(seconds_to_ns(at_s), *this, kRandomFail, i);
  }
}

void FaultInjector::on_event(std::uint32_t tag, std::uint64_t payload) {
  const auto i = static_cast<std::size_t>(payload);
  switch (tag) {
    case kFail:
      fail(i);
      break;
    case kRecover:
      recover(i);
      break;
    case kRandomFail: {
      fail(i);
      // Repair takes at least a nanosecond: a zero-length failure would still lose work.
      const TimeNs repair = std::max<TimeNs>(
          1, duration_ns_ceil(rng_[i].exponential(1.0 / config_.mttr_s)));
      sim_.schedule_after(repair, *this, kRandomRecover, i);
      break;
    }
    case kRandomRecover: {
      recover(i);
      const double at_s = ns_to_seconds(sim_.now()) + rng_[i].exponential(1.0 / config_.mtbf_s);
      if (at_s < kNeverS) sim_.schedule_at(seconds_to_ns(at_s), *this, kRandomFail, i);
      break;
    }
    default:
      XPUSIM_CHECK(false, "unknown fault event");
  }
}

void FaultInjector::fail(std::size_t i) {
  if (depth_[i]++ == 0) cluster_.fail_instance(i, sim_.now(), config_.requeue);
}

void FaultInjector::recover(std::size_t i) {
  XPUSIM_CHECK(depth_[i] > 0, "repair without a failure");
  if (--depth_[i] == 0) cluster_.recover_instance(i, sim_.now());
}

}  // namespace xpusim::systems
