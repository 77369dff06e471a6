#include "xpusim/policy/scaling/freeness_scaling.hpp"

#include <algorithm>
#include <limits>

namespace xpusim::policy {

const ParamBinding<FreenessScaling::Config>& FreenessScaling::binding() {
  using C = Config;
  static const auto b =
      ParamBinding<C>()
          .boolean(XPUSIM_KEY(C, enabled),
                   "Llumnix auto-scaling: add and remove instances from the cluster's average "
                   "freeness; cluster.instances is the initial count")
          .integer(XPUSIM_KEY(C, min_instances), "", "fewest instances taking requests",
                   {.min = 1, .max = 100000})
          .integer(XPUSIM_KEY(C, max_instances), "",
                   "most instances provisioned (taking requests, starting or draining); 0 = "
                   "cluster.instances",
                   {.min = 0, .max = 100000})
          .real(XPUSIM_KEY(C, scale_up_freeness), "steps",
                "add an instance when the average freeness (decode steps the free KV memory "
                "lasts the batch) falls below this",
                {.min = -1e9, .max = 1e9})
          .real(XPUSIM_KEY(C, scale_down_freeness), "steps",
                "remove an instance (drained first) when the average freeness without it is "
                "above this",
                {.min = -1e9, .max = 1e9})
          .real(XPUSIM_KEY(C, startup_s), "s",
                "time from the decision to add an instance until it takes requests (paid for "
                "meanwhile)",
                {.min = 0, .max = 1e6})
          .real(XPUSIM_KEY(C, interval_s), "s", "how often the scaling check runs",
                {.min = 0, .max = 1e6, .min_exclusive = true});
  return b;
}

double FreenessScaling::freeness(const ScalingView& v) {
  if (v.requests <= 0) return std::numeric_limits<double>::infinity();
  return static_cast<double>(v.block_size) * static_cast<double>(v.free_blocks) /
         static_cast<double>(v.requests);
}

double FreenessScaling::freeness_without_removable(const ScalingView& v) {
  if (v.requests <= 0) return std::numeric_limits<double>::infinity();
  const std::int64_t free = std::max<std::int64_t>(0, v.free_blocks - v.removable_blocks);
  return static_cast<double>(v.block_size) * static_cast<double>(free) /
         static_cast<double>(v.requests);
}

ScaleAction FreenessScaling::decide(const ScalingView& v) const {
  const int provisioned = v.active + v.starting + v.draining;
  if (freeness(v) < config_.scale_up_freeness) {
    const bool room = v.draining > 0 || (v.off > 0 && provisioned < config_.max_instances);
    return v.starting == 0 && room ? ScaleAction::Up : ScaleAction::None;
  }
  if (v.active > config_.min_instances && v.starting == 0 && v.draining == 0 &&
      freeness_without_removable(v) > config_.scale_down_freeness)
    return ScaleAction::Down;
  return ScaleAction::None;
}

}  // namespace xpusim::policy
