#include "xpusim/hw/memory_domain.hpp"

#include <algorithm>
#include <cmath>

#include "xpusim/core/error.hpp"
#include "xpusim/hw/fluid_timing.hpp"

namespace xpusim::hw {

MemoryDomain::MemoryDomain(Simulator& sim, double bandwidth_bytes_per_s)
    : sim_(sim), bandwidth_(bandwidth_bytes_per_s), last_update_(sim.now()) {
  XPUSIM_CHECK(bandwidth_bytes_per_s > 0, "memory domain bandwidth must be positive");
}

OpHandle MemoryDomain::start(TimeNs standalone_ns, double bytes, OpListener& listener,
                             std::uint64_t cookie) {
  XPUSIM_CHECK(standalone_ns >= 0 && bytes >= 0, "operation with negative duration or bytes");
  advance_to(sim_.now());
  std::uint32_t index;
  if (free_.empty()) {
    index = static_cast<std::uint32_t>(ops_.size());
    ops_.emplace_back();
  } else {
    index = free_.back();
    free_.pop_back();
  }
  Op& op = ops_[index];
  op.remaining = 1.0;
  op.standalone_ns = static_cast<double>(standalone_ns);
  // An instantaneous operation occupies no bandwidth over time. A demand above the domain's
  // bandwidth is capped: standalone_ns is by definition the time alone, so an op alone is
  // never slowed, and such an op counts as saturating the domain when others join it.
  op.demand = standalone_ns > 0 ? std::min(bandwidth_, bytes / ns_to_seconds(standalone_ns)) : 0.0;
  op.listener = &listener;
  op.cookie = cookie;
  op.done_event = EventId{};
  op.live = true;
  ++active_count_;
  reschedule();
  return OpHandle{index, op.generation};
}

double MemoryDomain::abort(OpHandle handle) {
  XPUSIM_CHECK(handle.index < ops_.size(), "abort of an unknown memory operation");
  Op& op = ops_[handle.index];
  XPUSIM_CHECK(op.live && op.generation == handle.generation,
               "abort of a memory operation that is no longer running");
  advance_to(sim_.now());
  const double done = std::clamp(1.0 - op.remaining, 0.0, 1.0);
  sim_.cancel(op.done_event);
  release(handle.index);
  reschedule();
  return done;
}

void MemoryDomain::on_event(std::uint32_t /*tag*/, std::uint64_t payload) {
  const auto index = static_cast<std::uint32_t>(payload & 0xffffffffULL);
  const auto generation = static_cast<std::uint32_t>(payload >> 32);
  XPUSIM_CHECK(index < ops_.size(), "completion of an unknown memory operation");
  Op& op = ops_[index];
  XPUSIM_CHECK(op.live && op.generation == generation, "stale memory-operation completion");
  const TimeNs now = sim_.now();
  advance_to(now);
  OpListener* listener = op.listener;
  const std::uint64_t cookie = op.cookie;
  release(index);
  reschedule();
  // Told last, with the domain consistent, so the listener may start the next operation.
  listener->on_op_done(cookie, now);
}

void MemoryDomain::advance_to(TimeNs now) {
  XPUSIM_CHECK(now >= last_update_, "memory domain advanced backwards");
  const double dt = static_cast<double>(now - last_update_);
  last_update_ = now;
  if (dt == 0) return;
  for (Op& op : ops_) {
    if (!op.live) continue;
    op.remaining = op.standalone_ns > 0
                       ? std::max(0.0, op.remaining - dt / (op.standalone_ns * slowdown_))
                       : 0.0;
  }
}

void MemoryDomain::release(std::uint32_t index) {
  Op& op = ops_[index];
  op.live = false;
  op.listener = nullptr;
  ++op.generation;  // handles and events naming the old occupant become stale
  free_.push_back(index);
  --active_count_;
}

void MemoryDomain::reschedule() {
  // Summed afresh (not updated incrementally) so rounding never accumulates across ops.
  double demand = 0;
  for (const Op& op : ops_)
    if (op.live) demand += op.demand;
  total_demand_ = demand;
  const double previous = slowdown_;
  slowdown_ = std::max(1.0, demand / bandwidth_);
  const TimeNs now = sim_.now();
  for (std::uint32_t i = 0; i < ops_.size(); ++i) {
    Op& op = ops_[i];
    if (!op.live) continue;
    // Same rate as before: the pending completion is still right; leave it.
    if (slowdown_ == previous && sim_.pending(op.done_event)) continue;
    sim_.cancel(op.done_event);
    const TimeNs delay = whole_ns(op.remaining * op.standalone_ns * slowdown_);
    op.done_event = sim_.schedule_at(now + delay, *this, 0, pack_slot(i, op.generation));
  }
}

}  // namespace xpusim::hw
