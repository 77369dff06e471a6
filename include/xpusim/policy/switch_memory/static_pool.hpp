#pragma once
// SwitchML-style static pools: the slots are cut into equal pools, a job owns one for its whole
// life and sends chunk i into slot i mod pool (self-clocked: the window equals the pool, so
// the slot is always free when chunk i + pool arrives). A job that finds no pool free streams
// the iteration through its parameter server and asks again at its next iteration.
// On several switches (the leaf-spine fabric) every switch's memory is cut the same way and
// handed out independently: a job owns at most one pool per switch that aggregates its chunks,
// and passes unaggregated through a switch where it found none (docs/ina.md, "Racks").
#include <map>
#include <vector>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/switch_memory/switch_memory_policy.hpp"

namespace xpusim::policy {

class StaticPool final : public SwitchMemoryPolicy {
 public:
  struct Config {
    std::int64_t partitions = 4;                // pools the memory is cut into
    std::int64_t fallback_window_packets = 64;  // window of a job without a pool
  };
  explicit StaticPool(Config config) : config_(config) {}
  static const ParamBinding<Config>& binding();

  void on_iteration_start(const SwitchMemoryView& view, std::int32_t job) override;
  void on_job_end(std::int32_t job) override;
  std::int64_t window_packets(const SwitchMemoryView& view, std::int32_t job) const override;
  SlotDecision place(const SwitchMemoryView& view, const ChunkKey& chunk) override;
  bool release_on_ack() const override { return false; }

  // The pool the job owns at switch `switch_index`, or -1.
  std::int64_t pool_of(std::int32_t job, std::int32_t switch_index = 0) const;

 private:
  struct Pools {  // one switch's partition
    std::vector<std::int32_t> owner;            // per pool: job, or -1
    std::map<std::int32_t, std::int64_t> pool;  // job -> pool
  };
  std::int64_t pool_size(const SwitchMemoryView& view) const;

  Config config_;
  std::map<std::int32_t, Pools> switches_;  // switch index -> its partition
};

}  // namespace xpusim::policy
