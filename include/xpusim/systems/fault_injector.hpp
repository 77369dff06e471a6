#pragma once
// Fails and recovers serving instances of a cluster (co-located or disaggregated) at scheduled times and/or at
// random (exponential time to failure and to repair, MTBF/MTTR), per docs/faults.md.
#include <cstdint>
#include <vector>

#include "xpusim/core/rng.hpp"
#include "xpusim/core/simulator.hpp"
#include "xpusim/systems/fault_target.hpp"
#include "xpusim/systems/link_fault_injector.hpp"

namespace xpusim::systems {

struct FaultConfig {
  struct Scheduled {
    std::size_t instance = 0;
    TimeNs at_ns = 0;
    TimeNs duration_ns = 0;
  };
  std::vector<Scheduled> scheduled;
  std::vector<LinkFault> links;  // KV-fabric link failures (edges resolved when built)
  // Whether any instance can fail (scheduled or random), as opposed to only links.
  bool instance_faults() const { return !scheduled.empty() || mtbf_s > 0; }
  double mtbf_s = 0;   // mean time between failures of each instance; 0: no random failures
  double mttr_s = 60;  // mean time to repair
  double link_mtbf_s = 0;  // the same for every KV-fabric link; 0: no random link failures
  double link_mttr_s = 60;
  bool link_faults() const { return !links.empty() || link_mtbf_s > 0; }
  bool requeue = true;  // requests on a failed instance: re-routed (true) or lost
  std::uint64_t seed = 1;
};

class FaultInjector final : public EventHandler {
 public:
  FaultInjector(Simulator& sim, FaultTarget& cluster, FaultConfig config);
  // Schedules the first failures; call once before Simulator::run.
  void start();
  void on_event(std::uint32_t tag, std::uint64_t payload) override;
  std::string describe() const override { return "fault injector"; }

 private:
  enum Tag : std::uint32_t { kFail, kRecover, kRandomFail, kRandomRecover };
  // Overlapping failures of one instance (a scheduled one during a random one) nest: it is
  // down from the first failure until the last of them has been repaired.
  void fail(std::size_t i);
  void recover(std::size_t i);

  Simulator& sim_;
  FaultTarget& cluster_;
  FaultConfig config_;
  std::vector<int> depth_;         // per instance: failures not yet repaired
  std::vector<RngStream> rng_;     // per instance: its own stream, so instances are independent
};

}  // namespace xpusim::systems
