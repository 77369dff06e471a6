#pragma once
// SwitchML-style static pools: the slots are cut into equal pools, a job owns one for its whole
// life and sends chunk i into slot i mod pool (self-clocked: the window equals the pool, so
// the slot is always free when chunk i + pool arrives). A job that finds no pool free streams
// the iteration through its parameter server and asks again at its next iteration.
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

  // The pool the job owns, or -1.
  std::int64_t pool_of(std::int32_t job) const;

 private:
  std::int64_t pool_size(const SwitchMemoryView& view) const;

  Config config_;
  std::vector<std::int32_t> owner_;            // per pool: job, or -1
  std::map<std::int32_t, std::int64_t> pool_;  // job -> pool
};

}  // namespace xpusim::policy
