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
  if (free_head_ == kNoSlot) {
    index = slots_++;
    if (index > 0) more_.emplace_back();
  } else {
    index = free_head_;
    free_head_ = slot(index).next_free;
  }
  Op& op = slot(index);
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
  XPUSIM_CHECK(handle.index < slots(), "abort of an unknown memory operation");
  Op& op = slot(handle.index);
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
  XPUSIM_CHECK(index < slots(), "completion of an unknown memory operation");
  Op& op = slot(index);
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
  for (std::uint32_t i = 0; i < slots(); ++i) {
    Op& op = slot(i);
    if (!op.live) continue;
    op.remaining = op.standalone_ns > 0
                       ? std::max(0.0, op.remaining - dt / (op.standalone_ns * slowdown_))
                       : 0.0;
  }
}

void MemoryDomain::release(std::uint32_t index) {
  Op& op = slot(index);
  op.live = false;
  op.listener = nullptr;
  ++op.generation;  // handles and events naming the old occupant become stale
  op.next_free = free_head_;
  free_head_ = index;
  --active_count_;
}

void MemoryDomain::reschedule() {
  // Summed afresh (not updated incrementally) so rounding never accumulates across ops.
  double demand = 0;
  for (std::uint32_t i = 0; i < slots(); ++i)
    if (const Op& op = slot(i); op.live) demand += op.demand;
  total_demand_ = demand;
  const double previous = slowdown_;
  slowdown_ = std::max(1.0, demand / bandwidth_);
  const TimeNs now = sim_.now();
  for (std::uint32_t i = 0; i < slots(); ++i) {
    Op& op = slot(i);
    if (!op.live) continue;
    // Same rate as before: the pending completion is still right; leave it.
    if (slowdown_ == previous && sim_.pending(op.done_event)) continue;
    sim_.cancel(op.done_event);
    const TimeNs delay = whole_ns(op.remaining * op.standalone_ns * slowdown_);
    op.done_event = sim_.schedule_at(now + delay, *this, 0, pack_slot(i, op.generation));
  }
}

}  // namespace xpusim::hw
