#pragma once
// Llumnix auto-scaling of a colocated cluster (docs/serving.md, "Auto-scaling"): every
// interval the scaling policy looks at the instances taking requests; an added instance is
// provisioned (paid for) at once and takes requests after the start-up delay; a removed one
// stops taking requests, is drained — its requests migrate out under live migration, or finish
// where they are without it — and leaves once it holds none. Instances come and go through the
// cluster's up list, as failed and recovered ones do, so every router sees them.
#include <cstdint>
#include <vector>

#include "xpusim/core/simulator.hpp"
#include "xpusim/policy/scaling/freeness_scaling.hpp"

namespace xpusim::systems {

class Cluster;
class MigrationCoordinator;

class Autoscaler final : public EventHandler {
 public:
  enum class State : std::uint8_t { Off, Starting, Active, Draining };
  struct Stats {
    double instance_seconds = 0;  // provisioned instances integrated over time
    int peak = 0;                 // most provisioned at once
    int fewest = 0;               // fewest provisioned at once
    std::int64_t scale_ups = 0, scale_downs = 0, drains_cancelled = 0;
    // (time, provisioned) at the start and at every change.
    std::vector<std::pair<TimeNs, int>> series;
  };

  // `config.max_instances` is resolved (> 0) and equals the cluster's instance count; the
  // first `initial` instances take requests, the others are off. `migration` may be null.
  Autoscaler(Simulator& sim, Cluster& cluster, MigrationCoordinator* migration,
             policy::FreenessScaling scaling, int initial);

  // Takes the instances beyond the initial ones off; call before the cluster starts.
  void start();
  // Something arrived: make sure the periodic check runs (it stops while all is idle).
  void wake();
  State state(std::size_t i) const { return state_.at(i); }
  // The stats up to `now` (the provisioned instances counted until then).
  Stats stats(TimeNs now) const;

  // The periodic check (kTick) or the end of an instance's start-up (kStarted, payload = i).
  void on_event(std::uint32_t tag, std::uint64_t payload) override;

  // Exposed for tests: what the policy sees now.
  policy::ScalingView view() const;

 private:
  static constexpr std::uint32_t kTick = 0, kStarted = 1;
  void tick(TimeNs now);
  void finish_drains(TimeNs now);
  void scale_up(TimeNs now);
  void scale_down(TimeNs now);
  void set_state(std::size_t i, State s, TimeNs now);
  bool anything_left() const;

  Simulator& sim_;
  Cluster& cluster_;
  MigrationCoordinator* migration_;
  policy::FreenessScaling scaling_;
  int initial_;
  std::vector<State> state_;
  int counts_[4] = {0, 0, 0, 0};  // instances per State
  bool tick_pending_ = false;
  // Accounting of provisioned instances (Starting, Active, Draining).
  TimeNs last_change_ = 0;
  double provisioned_ns_ = 0;
  Stats stats_;
  int provisioned() const { return counts_[1] + counts_[2] + counts_[3]; }
};

}  // namespace xpusim::systems
