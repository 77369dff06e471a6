#pragma once
// ESA (arXiv 2201.06398): ATP's hashed shared pool plus preemptive allocation. A chunk whose slot
// is taken may take it over when (a) the holder's aggregate is already complete and only waits
// for its acknowledgement (nothing is lost: this is the idle-held memory ESA reclaims), or (b)
// the chunk's job has strictly higher priority than the holder's; the holder's partial aggregate
// then goes to its parameter server, which completes it. Otherwise the chunk falls back (ATP).
// The priority rule is NP in the public material; it is a parameter here.
#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/switch_memory/switch_memory_policy.hpp"

namespace xpusim::policy {

class Esa final : public SwitchMemoryPolicy {
 public:
  enum class Priority { LeastRemaining, EarliestArrival };
  struct Config {
    std::int64_t window_packets = 128;
    Priority priority = Priority::LeastRemaining;
    bool take_complete_slots = true;  // false: a Complete slot counts as held (ablation)
  };
  explicit Esa(Config config) : config_(config) {}
  static const ParamBinding<Config>& binding();

  void on_iteration_start(const SwitchMemoryView&, std::int32_t) override {}
  void on_job_end(std::int32_t) override {}
  std::int64_t window_packets(const SwitchMemoryView&, std::int32_t) const override {
    return config_.window_packets;
  }
  SlotDecision place(const SwitchMemoryView& view, const ChunkKey& chunk) override;
  bool release_on_ack() const override { return true; }

  // Whether job `a` outranks job `b` (strictly).
  bool outranks(const SwitchMemoryView& view, std::int32_t a, std::int32_t b) const;

 private:
  Config config_;
};

}  // namespace xpusim::policy
