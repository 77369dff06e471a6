#pragma once
// Scaling family: "should the cluster add or remove an instance now?" — Llumnix's auto-scaling
// (OSDI'24, §4.4): the cluster's average freeness (decode steps its free KV memory still lasts
// the batch) below `scale_up_freeness` adds an instance, above `scale_down_freeness` (counted
// without the instance that would leave, as llumnix/global_scheduler/scaling_scheduler.py's
// avg_load does) removes one. One action at a time: no scale-up while an instance is starting,
// no scale-down while one is starting or draining (docs/serving.md, "Auto-scaling").
#include <cstdint>

#include "xpusim/core/param_binding.hpp"

namespace xpusim::policy {

// What the scaling check sees of the cluster: sums over the instances that take requests.
struct ScalingView {
  std::int64_t free_blocks = 0;       // free KV blocks less the queued prompts' blocks
  std::int64_t requests = 0;          // outstanding requests
  std::int64_t removable_blocks = 0;  // KV blocks of the instance a scale-down would remove
  std::int32_t block_size = 16;       // tokens per block: freeness in decode steps
  int active = 0;                     // instances taking requests
  int starting = 0;                   // started, not yet up (start-up delay)
  int draining = 0;                   // leaving: no new requests, requests migrate out
  int off = 0;                        // not provisioned (free to start)
};

enum class ScaleAction { None, Up, Down };

class FreenessScaling {
 public:
  struct Config {
    bool enabled = false;
    int min_instances = 1;
    int max_instances = 0;  // 0 = cluster.instances (no growth)
    double scale_up_freeness = 10;
    double scale_down_freeness = 60;
    double startup_s = 10;
    double interval_s = 1;
  };
  explicit FreenessScaling(Config config) : config_(config) {}
  static const ParamBinding<Config>& binding();
  const Config& config() const { return config_; }

  // Average freeness in decode steps: block_size x free blocks / requests (Llumnix's
  // (M - sum V) / B over the cluster); +inf with no requests.
  static double freeness(const ScalingView& v);
  // The same without the instance a scale-down would remove (its blocks leave the sum; free
  // blocks floored at 0).
  static double freeness_without_removable(const ScalingView& v);

  // Up when the freeness is below scale_up_freeness, an instance is off or draining (a draining
  // one is kept instead of starting one), none is starting and fewer than max_instances are
  // provisioned; Down when the freeness without the removable instance is above
  // scale_down_freeness, more than min_instances are active and none is starting or draining.
  ScaleAction decide(const ScalingView& v) const;

 private:
  Config config_;
};

}  // namespace xpusim::policy
