#pragma once
// The DDR bus an SoC's engines share, with asymmetric contention: while engine A runs
// memory-bound work, engine V's memory time stretches by 1 + (k[V][A] - 1) * p_A, where k is the
// configured pair factor and p_A in [0, 1] the aggressor's memory pressure (the memory-bound
// share of its work when alone). Each engine runs at most one operation at a time; an operation
// takes fixed + max(compute, memory * slowdown) (a roofline whose memory side stretches), and
// progress is fluid: slowdowns and completion events are recomputed whenever an operation starts
// or finishes. Alone, an operation completes exactly fixed + max(compute, memory) after its start.
#include <array>
#include <cstdint>

#include "xpusim/core/event_queue.hpp"
#include "xpusim/core/simulator.hpp"
#include "xpusim/hw/memory_domain.hpp"
#include "xpusim/hw/soc_spec.hpp"

namespace xpusim::hw {

// One operation's standalone time split into its parts (nanoseconds).
struct EngineWork {
  double compute_ns = 0;
  double memory_ns = 0;
  double fixed_ns = 0;  // dispatch overhead; never stretched
  double standalone_ns() const {
    return fixed_ns + (compute_ns > memory_ns ? compute_ns : memory_ns);
  }
  // Share of the standalone time the operation is bound by memory, in [0, 1].
  double pressure() const;
};

class SharedDdr final : public EventHandler {
 public:
  using Factors =
      std::array<std::array<double, kEngineKinds>, kEngineKinds>;  // [victim][aggressor]
  SharedDdr(Simulator& sim, const Factors& slowdown);

  // Starts `work` on `engine` (which must be idle); the listener hears `cookie` when it is done.
  void start(int engine, const EngineWork& work, OpListener& listener, std::uint64_t cookie);
  bool busy(int engine) const { return ops_[engine].live; }
  // Current stretch factor of `engine`'s memory time (1 when nobody interferes).
  double memory_slowdown(int engine) const { return ops_[engine].slowdown; }
  // When `engine`'s operation ends if the stretches stay as they are now (now when idle).
  TimeNs predicted_end(int engine) const;

  void on_event(std::uint32_t tag, std::uint64_t payload) override;

 private:
  struct Op {
    EngineWork work;
    double remaining = 0;  // fraction of the operation left
    double slowdown = 1.0;
    OpListener* listener = nullptr;
    std::uint64_t cookie = 0;
    EventId done_event;
    std::uint32_t generation = 0;
    bool live = false;
    double duration_ns() const;  // at the current slowdown
  };
  void advance_to(TimeNs now);
  void reschedule();

  Simulator& sim_;
  Factors factors_;
  std::array<Op, kEngineKinds> ops_{};
  TimeNs last_update_ = 0;
};

}  // namespace xpusim::hw
