#include "xpusim/systems/autoscaler.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "xpusim/core/error.hpp"
#include "xpusim/systems/cluster.hpp"
#include "xpusim/systems/migration_coordinator.hpp"

namespace xpusim::systems {

Autoscaler::Autoscaler(Simulator& sim, Cluster& cluster, MigrationCoordinator* migration,
                       policy::FreenessScaling scaling, int initial)
    : sim_(sim), cluster_(cluster), migration_(migration), scaling_(scaling), initial_(initial) {
  const auto& c = scaling_.config();
  XPUSIM_CHECK(c.max_instances > 0 &&
                   static_cast<std::size_t>(c.max_instances) == cluster_.instances().size() &&
                   c.min_instances >= 1 && c.min_instances <= initial_ &&
                   initial_ <= c.max_instances && c.interval_s > 0 && c.startup_s >= 0,
               "auto-scaling needs 1 <= min_instances <= instances <= max_instances, one cluster "
               "instance per max_instances, a check interval and a start-up delay >= 0");
}

void Autoscaler::start() {
  const std::size_t n = cluster_.instances().size();
  state_.assign(n, State::Active);
  counts_[static_cast<int>(State::Active)] = static_cast<int>(n);
  for (std::size_t i = static_cast<std::size_t>(initial_); i < n; ++i) {
    cluster_.withhold(i, true);
    cluster_.power_off(i, sim_.now());
    state_[i] = State::Off;
    --counts_[static_cast<int>(State::Active)];
    ++counts_[static_cast<int>(State::Off)];
  }
  last_change_ = sim_.now();
  stats_.peak = stats_.fewest = provisioned();
  stats_.series.emplace_back(sim_.now(), provisioned());
}

void Autoscaler::wake() {
  if (tick_pending_) return;
  tick_pending_ = true;
  sim_.schedule_after(std::max<TimeNs>(seconds_to_ns(scaling_.config().interval_s), 1), *this, kTick);
}

void Autoscaler::set_state(std::size_t i, State s, TimeNs now) {
  provisioned_ns_ += static_cast<double>(provisioned()) * static_cast<double>(now - last_change_);
  last_change_ = now;
  --counts_[static_cast<int>(state_[i])];
  ++counts_[static_cast<int>(s)];
  state_[i] = s;
  const int p = provisioned();
  stats_.peak = std::max(stats_.peak, p);
  stats_.fewest = std::min(stats_.fewest, p);
  if (stats_.series.back().second != p) stats_.series.emplace_back(now, p);
}

Autoscaler::Stats Autoscaler::stats(TimeNs now) const {
  Stats s = stats_;
  s.instance_seconds =
      (provisioned_ns_ + static_cast<double>(provisioned()) * static_cast<double>(now - last_change_)) *
      1e-9;
  return s;
}

policy::ScalingView Autoscaler::view() const {
  policy::ScalingView v;
  v.active = counts_[static_cast<int>(State::Active)];
  v.starting = counts_[static_cast<int>(State::Starting)];
  v.draining = counts_[static_cast<int>(State::Draining)];
  v.off = counts_[static_cast<int>(State::Off)];
  const auto& inst = cluster_.instances();
  for (std::size_t i = 0; i < inst.size(); ++i) {
    if (state_[i] != State::Active) continue;
    v.free_blocks += inst[i]->free_blocks() - inst[i]->queued_prompt_blocks();
    v.requests += inst[i]->outstanding();
    v.removable_blocks = inst[i]->total_blocks();  // the last one taking requests
    v.block_size = inst[i]->block_size();
  }
  return v;
}

void Autoscaler::on_event(std::uint32_t tag, std::uint64_t payload) {
  const TimeNs now = sim_.now();
  if (tag == kStarted) {
    const auto i = static_cast<std::size_t>(payload);
    XPUSIM_CHECK(state_.at(i) == State::Starting, "auto-scaling: an instance started twice");
    cluster_.power_on(i, now);
    set_state(i, State::Active, now);
    spdlog::debug("autoscale: instance {} up (t={} ns)", i, now);
    return;
  }
  tick_pending_ = false;
  tick(now);
  if (anything_left()) wake();
}

void Autoscaler::tick(TimeNs now) {
  finish_drains(now);
  switch (scaling_.decide(view())) {
    case policy::ScaleAction::Up: return scale_up(now);
    case policy::ScaleAction::Down: return scale_down(now);
    case policy::ScaleAction::None: return;
  }
}

// A draining instance leaves once it holds no request and takes part in no migration.
void Autoscaler::finish_drains(TimeNs now) {
  if (counts_[static_cast<int>(State::Draining)] == 0) return;
  const auto& inst = cluster_.instances();
  for (std::size_t i = 0; i < inst.size(); ++i) {
    if (state_[i] != State::Draining || inst[i]->outstanding() > 0) continue;
    if (migration_ && migration_->migrating(i)) continue;
    if (migration_) migration_->set_draining(i, false);
    cluster_.power_off(i, now);
    set_state(i, State::Off, now);
    spdlog::debug("autoscale: instance {} drained and off (t={} ns)", i, now);
  }
}

// A draining instance is kept (it takes requests again at once); otherwise the lowest-numbered
// instance that is off starts.
void Autoscaler::scale_up(TimeNs now) {
  for (std::size_t i = 0; i < state_.size(); ++i)
    if (state_[i] == State::Draining) {
      if (migration_) migration_->set_draining(i, false);
      cluster_.withhold(i, false);
      set_state(i, State::Active, now);
      ++stats_.drains_cancelled;
      return;
    }
  for (std::size_t i = 0; i < state_.size(); ++i)
    if (state_[i] == State::Off) {
      set_state(i, State::Starting, now);
      ++stats_.scale_ups;
      spdlog::debug("autoscale: instance {} starting (t={} ns)", i, now);
      sim_.schedule_after(seconds_to_ns(scaling_.config().startup_s), *this, kStarted, i);
      return;
    }
}

// The highest-numbered instance taking requests leaves (Llumnix removes the last instance).
void Autoscaler::scale_down(TimeNs now) {
  for (std::size_t k = state_.size(); k-- > 0;)
    if (state_[k] == State::Active) {
      cluster_.withhold(k, true);
      set_state(k, State::Draining, now);
      ++stats_.scale_downs;
      spdlog::debug("autoscale: instance {} draining (t={} ns)", k, now);
      if (migration_) migration_->set_draining(k, true);
      finish_drains(now);  // an idle instance leaves at once
      return;
    }
}

bool Autoscaler::anything_left() const {
  if (counts_[static_cast<int>(State::Starting)] > 0 || counts_[static_cast<int>(State::Draining)] > 0)
    return true;
  for (const auto& inst : cluster_.instances())
    if (inst->outstanding() > 0) return true;
  return false;
}

}  // namespace xpusim::systems
