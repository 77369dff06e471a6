#include "xpusim/policy/expert_placement/micromoe.hpp"

#include "xpusim/policy/expert_placement/min_max_schedule.hpp"

namespace xpusim::policy {

ExpertLayout MicroMoePlacement::place_batch(const PlacementView& view) {
  return eplb_layout(config_, view.shape, view.loads);
}

std::vector<double> MicroMoePlacement::schedule_tokens(const EpShape& shape,
                                                       const ExpertLayout& layout,
                                                       std::span<const std::int64_t> loads) {
  const TokenSchedule s = min_max_schedule(shape, layout, loads);
  return {s.gpu_tokens.begin(), s.gpu_tokens.end()};
}

}  // namespace xpusim::policy
