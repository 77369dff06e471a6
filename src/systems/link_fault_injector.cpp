#include "xpusim/systems/link_fault_injector.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

namespace {
enum Tag : std::uint32_t { kDown, kUp };
}  // namespace

LinkFaultInjector::LinkFaultInjector(Simulator& sim, hw::LinkFabric& fabric,
                                     std::vector<LinkFault> faults, ServingObserver& observer)
    : sim_(sim), fabric_(fabric), faults_(std::move(faults)), observer_(observer) {
  int max_edge = -1;
  for (const auto& f : faults_) max_edge = std::max(max_edge, f.edge);
  depth_.assign(static_cast<std::size_t>(max_edge + 1), 0);
}

void LinkFaultInjector::start() {
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    XPUSIM_CHECK(faults_[i].edge >= 0, "link fault without a link");
    sim_.schedule_at(faults_[i].at_ns, *this, kDown, i);
    sim_.schedule_at(faults_[i].at_ns + faults_[i].duration_ns, *this, kUp, i);
  }
}

void LinkFaultInjector::on_event(std::uint32_t tag, std::uint64_t payload) {
  const LinkFault& f = faults_.at(static_cast<std::size_t>(payload));
  int& depth = depth_[static_cast<std::size_t>(f.edge)];
  if (tag == kDown) {
    if (depth++ == 0) {
      fabric_.set_link_down(f.edge, true);
      observer_.on_link_down(f.host, sim_.now());
    }
  } else {
    XPUSIM_CHECK(depth > 0, "link repaired without a failure");
    if (--depth == 0) {
      fabric_.set_link_down(f.edge, false);
      observer_.on_link_up(f.host, sim_.now());
    }
  }
}

}  // namespace xpusim::systems
