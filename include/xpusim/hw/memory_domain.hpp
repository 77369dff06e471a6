#pragma once
// A memory whose bandwidth is shared by the operations running on it (an SoC's DDR, a GPU's
// HBM). Fluid model: each operation has a standalone duration and a standalone bandwidth demand
// (bytes / standalone duration, capped at the domain's bandwidth). While the sum of demands exceeds
// the domain's bandwidth every operation progresses at bandwidth / sum-of-demands of its standalone
// speed. Rates are recomputed whenever an operation starts, finishes or is aborted, and completion
// events are rescheduled. Operation slots are recycled, so nothing is allocated per operation after
// warm-up. An operation alone on the domain (or with spare bandwidth) completes exactly
// standalone_ns after its start.
//
// Storage: slot 0 lives inside the domain and slots 1.. in a vector; free slots form a LIFO list
// threaded through the slots. A domain that never runs two operations at once (a serving
// instance's, one iteration at a time) thus touches no memory outside itself per operation,
// which matters when thousands of instances' state does not fit in cache (docs/performance.md).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "xpusim/core/event_queue.hpp"
#include "xpusim/core/simulator.hpp"

namespace xpusim::hw {

// Told when an operation it started has finished.
class OpListener {
 public:
  virtual ~OpListener() = default;
  virtual void on_op_done(std::uint64_t op_cookie, TimeNs now) = 0;
};

struct OpHandle {
  std::uint32_t index = UINT32_MAX;
  std::uint32_t generation = 0;
};

class MemoryDomain final : public EventHandler {
 public:
  MemoryDomain(Simulator& sim, double bandwidth_bytes_per_s);

  // Starts an operation that would take `standalone_ns` alone and moves `bytes` through this
  // memory. `cookie` is handed back to the listener.
  OpHandle start(TimeNs standalone_ns, double bytes, OpListener& listener, std::uint64_t cookie);
  // Removes a running operation without completing it (preemption); returns the fraction of
  // its work that was done.
  double abort(OpHandle handle);
  std::size_t active() const { return active_count_; }
  double bandwidth_bytes_per_s() const { return bandwidth_; }
  // Current slowdown factor (>= 1) applied to every active operation.
  double slowdown() const { return slowdown_; }
  // Sum of the standalone bandwidth demands of the active operations (bytes/s).
  double total_demand() const { return total_demand_; }

  void on_event(std::uint32_t tag, std::uint64_t payload) override;

 private:
  struct Op {
    double remaining = 0;  // fraction of work left, in [0, 1]
    double standalone_ns = 0;
    double demand = 0;  // bytes per second when alone
    OpListener* listener = nullptr;
    std::uint64_t cookie = 0;
    EventId done_event;
    std::uint32_t generation = 0;
    std::uint32_t next_free = kNoSlot;  // while free: the slot freed before it
    bool live = false;
  };
  static constexpr std::uint32_t kNoSlot = UINT32_MAX;
  Op& slot(std::uint32_t i) { return i == 0 ? first_ : more_[i - 1]; }
  const Op& slot(std::uint32_t i) const { return i == 0 ? first_ : more_[i - 1]; }
  std::uint32_t slots() const { return slots_; }
  void advance_to(TimeNs now);
  void release(std::uint32_t index);
  void reschedule();

  Simulator& sim_;
  double bandwidth_;
  std::uint32_t slots_ = 0;           // slots ever used: first_, then more_
  std::uint32_t free_head_ = kNoSlot;  // the most recently freed slot
  std::size_t active_count_ = 0;
  double total_demand_ = 0;
  double slowdown_ = 1.0;
  TimeNs last_update_ = 0;
  Op first_;
  std::vector<Op> more_;
};

}  // namespace xpusim::hw
