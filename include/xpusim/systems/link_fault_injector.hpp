#pragma once
// Takes KV-fabric links down and back up at scheduled times and/or at random (exponential time
// to failure and to repair per link, MTBF/MTTR; docs/faults.md): a failed link stalls the KV
// transfers and migrations crossing it until it is repaired.
#include <string>
#include <vector>

#include "xpusim/core/rng.hpp"
#include "xpusim/core/simulator.hpp"
#include "xpusim/hw/link_fabric.hpp"
#include "xpusim/systems/serving_records.hpp"

namespace xpusim::systems {

struct LinkFault {
  std::string host;  // the instance whose link to the switch fails (e.g. "prefill0")
  int edge = -1;     // that link's a->b edge in the topology
  TimeNs at_ns = 0;
  TimeNs duration_ns = 0;
};

class LinkFaultInjector final : public EventHandler {
 public:
  LinkFaultInjector(Simulator& sim, hw::LinkFabric& fabric, std::vector<LinkFault> faults,
                    ServingObserver& observer);
  // Random failures of each of `links` (host and edge; times unused), each link with its own
  // stream drawn from `seed`. Call before start.
  void add_random(std::vector<LinkFault> links, double mtbf_s, double mttr_s, std::uint64_t seed);
  // Schedules every failure and repair; call once before Simulator::run.
  void start();
  void on_event(std::uint32_t tag, std::uint64_t payload) override;
  std::string describe() const override { return "link fault injector"; }

 private:
  Simulator& sim_;
  hw::LinkFabric& fabric_;
  std::vector<LinkFault> faults_;
  ServingObserver& observer_;
  std::vector<int> depth_;  // per fault's edge: overlapping failures of one link nest
  std::vector<LinkFault> random_;  // links that fail at random
  std::vector<RngStream> rng_;     // one per random link
  double mtbf_s_ = 0, mttr_s_ = 0;
  void set_down(const LinkFault& f, bool down);
  void schedule_random_failure(std::size_t k);
};

}  // namespace xpusim::systems
