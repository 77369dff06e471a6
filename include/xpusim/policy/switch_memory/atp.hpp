#pragma once
// ATP (NSDI'21): one pool shared by every job; a chunk's slot is hash(job, sequence) over the
// pool. A free slot is claimed; an occupied one (any other chunk, of any job) sends the chunk to
// its parameter server. The slot is released only when the server's result passes back.
#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/switch_memory/switch_memory_policy.hpp"

namespace xpusim::policy {

class Atp final : public SwitchMemoryPolicy {
 public:
  struct Config {
    std::int64_t window_packets = 128;  // chunks a worker may have in flight
  };
  explicit Atp(std::int64_t window_packets) : window_(window_packets) {}
  static const ParamBinding<Config>& binding();

  void on_iteration_start(const SwitchMemoryView&, std::int32_t) override {}
  void on_job_end(std::int32_t) override {}
  std::int64_t window_packets(const SwitchMemoryView&, std::int32_t) const override {
    return window_;
  }
  SlotDecision place(const SwitchMemoryView& view, const ChunkKey& chunk) override;
  bool release_on_ack() const override { return true; }

 private:
  std::int64_t window_;
};

}  // namespace xpusim::policy
