#include "xpusim/hw/shared_ddr.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"
#include "xpusim/hw/fluid_timing.hpp"

namespace xpusim::hw {

double EngineWork::pressure() const {
  const double alone = standalone_ns();
  return alone > 0 ? std::clamp(memory_ns / alone, 0.0, 1.0) : 0.0;
}

double SharedDdr::Op::duration_ns() const {
  return work.fixed_ns + std::max(work.compute_ns, work.memory_ns * slowdown);
}

SharedDdr::SharedDdr(Simulator& sim, const Factors& slowdown)
    : sim_(sim), factors_(slowdown), last_update_(sim.now()) {
  for (const auto& row : factors_)
    for (double k : row) XPUSIM_CHECK(k >= 1.0, "DDR contention factor below 1");
}

void SharedDdr::start(int engine, const EngineWork& work, OpListener& listener,
                      std::uint64_t cookie) {
  XPUSIM_CHECK(engine >= 0 && engine < kEngineKinds, "unknown SoC engine");
  XPUSIM_CHECK(work.compute_ns >= 0 && work.memory_ns >= 0 && work.fixed_ns >= 0,
               "operation with a negative time");
  Op& op = ops_[engine];
  XPUSIM_CHECK(!op.live, "operation started on a busy engine");
  advance_to(sim_.now());
  op.work = work;
  op.remaining = 1.0;
  op.slowdown = 1.0;
  op.listener = &listener;
  op.cookie = cookie;
  op.done_event = EventId{};
  op.live = true;
  reschedule();
}

void SharedDdr::on_event(std::uint32_t /*tag*/, std::uint64_t payload) {
  const auto engine = static_cast<std::uint32_t>(payload & 0xffffffffULL);
  const auto generation = static_cast<std::uint32_t>(payload >> 32);
  XPUSIM_CHECK(engine < ops_.size(), "completion on an unknown engine");
  Op& op = ops_[engine];
  XPUSIM_CHECK(op.live && op.generation == generation, "stale DDR-operation completion");
  const TimeNs now = sim_.now();
  advance_to(now);
  OpListener* listener = op.listener;
  const std::uint64_t cookie = op.cookie;
  op.live = false;
  op.listener = nullptr;
  ++op.generation;
  reschedule();
  // Told last, with the bus consistent, so the listener may start the next operation.
  listener->on_op_done(cookie, now);
}

TimeNs SharedDdr::predicted_end(int engine) const {
  const Op& op = ops_[engine];
  if (!op.live) return sim_.now();
  // `remaining` is as of the last update; the stretch has not changed since.
  return std::max(sim_.now(), last_update_ + whole_ns(op.remaining * op.duration_ns()));
}

void SharedDdr::advance_to(TimeNs now) {
  XPUSIM_CHECK(now >= last_update_, "shared DDR advanced backwards");
  const double dt = static_cast<double>(now - last_update_);
  last_update_ = now;
  if (dt == 0) return;
  for (Op& op : ops_) {
    if (!op.live) continue;
    const double d = op.duration_ns();
    op.remaining = d > 0 ? std::max(0.0, op.remaining - dt / d) : 0.0;
  }
}

void SharedDdr::reschedule() {
  const TimeNs now = sim_.now();
  for (int v = 0; v < kEngineKinds; ++v) {
    Op& op = ops_[v];
    if (!op.live) continue;
    double s = 1.0;
    for (int a = 0; a < kEngineKinds; ++a)
      if (a != v && ops_[a].live) s += (factors_[v][a] - 1.0) * ops_[a].work.pressure();
    const bool same = s == op.slowdown && sim_.pending(op.done_event);
    op.slowdown = s;
    if (same) continue;  // same rate as before: the pending completion is still right
    sim_.cancel(op.done_event);
    op.done_event = sim_.schedule_at(now + whole_ns(op.remaining * op.duration_ns()), *this, 0,
                                     pack_slot(static_cast<std::uint32_t>(v), op.generation));
  }
}

}  // namespace xpusim::hw
