#include "xpusim/systems/link_fault_injector.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

namespace {
enum Tag : std::uint32_t { kDown, kUp, kRandomDown, kRandomUp };
constexpr double kNeverS = 9.0e9;  // random failures drawn past this are never reached
}  // namespace

LinkFaultInjector::LinkFaultInjector(Simulator& sim, hw::LinkFabric& fabric,
                                     std::vector<LinkFault> faults, ServingObserver& observer)
    : sim_(sim), fabric_(fabric), faults_(std::move(faults)), observer_(observer) {}

void LinkFaultInjector::add_random(std::vector<LinkFault> links, double mtbf_s, double mttr_s,
                                   std::uint64_t seed) {
  XPUSIM_CHECK(mtbf_s > 0 && mttr_s > 0, "random link failures need MTBF and MTTR");
  random_ = std::move(links);
  mtbf_s_ = mtbf_s;
  mttr_s_ = mttr_s;
  rng_.clear();
  for (const auto& l : random_) rng_.emplace_back(seed, "faults.link." + l.host);
}

void LinkFaultInjector::start() {
  int max_edge = -1;
  for (const auto& f : faults_) max_edge = std::max(max_edge, f.edge);
  for (const auto& f : random_) max_edge = std::max(max_edge, f.edge);
  depth_.assign(static_cast<std::size_t>(max_edge + 1), 0);
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    XPUSIM_CHECK(faults_[i].edge >= 0, "link fault without a link");
    sim_.schedule_at(faults_[i].at_ns, *this, kDown, i);
    sim_.schedule_at(faults_[i].at_ns + faults_[i].duration_ns, *this, kUp, i);
  }
  for (std::size_t k = 0; k < random_.size(); ++k) {
    XPUSIM_CHECK(random_[k].edge >= 0, "link fault without a link");
    schedule_random_failure(k);
  }
}

void LinkFaultInjector::schedule_random_failure(std::size_t k) {
  const double at_s = ns_to_seconds(sim_.now()) + rng_[k].exponential(1.0 / mtbf_s_);
  if (at_s < kNeverS) sim_.schedule_at(seconds_to_ns(at_s), *this, kRandomDown, k);
}

void LinkFaultInjector::on_event(std::uint32_t tag, std::uint64_t payload) {
  const auto k = static_cast<std::size_t>(payload);
  switch (tag) {
    case kDown: return set_down(faults_.at(k), true);
    case kUp: return set_down(faults_.at(k), false);
    case kRandomDown: {
      set_down(random_.at(k), true);
      // Repair takes at least a nanosecond.
      const TimeNs repair =
          std::max<TimeNs>(1, duration_ns_ceil(rng_[k].exponential(1.0 / mttr_s_)));
      sim_.schedule_after(repair, *this, kRandomUp, k);
      return;
    }
    case kRandomUp:
      set_down(random_.at(k), false);
      return schedule_random_failure(k);
    default: XPUSIM_CHECK(false, "unknown link fault event");
  }
}

// Overlapping failures of one link (scheduled and random) nest: it is down from the first until
// the last has been repaired.
void LinkFaultInjector::set_down(const LinkFault& f, bool down) {
  int& depth = depth_[static_cast<std::size_t>(f.edge)];
  if (down) {
    if (depth++ == 0) {
      fabric_.set_link_down(f.edge, true);
      observer_.on_link_down(f.host, sim_.now());
    }
    return;
  }
  XPUSIM_CHECK(depth > 0, "link repaired without a failure");
  if (--depth == 0) {
    fabric_.set_link_down(f.edge, false);
    observer_.on_link_up(f.host, sim_.now());
  }
}

}  // namespace xpusim::systems
