#include "xpusim/policy/expert_placement/micromoe.hpp"

#include "xpusim/policy/expert_placement/microep_layout.hpp"
#include "xpusim/policy/expert_placement/min_max_schedule.hpp"

namespace xpusim::policy {

const ParamBinding<MicroMoeConfig>& MicroMoePlacement::binding() {
  using C = MicroMoeConfig;
  static const auto b =
      ParamBinding<C>()
          .choice(XPUSIM_KEY(C, replicas), {{"microep", "microep"}, {"eplb", "eplb"}},
                  "replica placement: microep = replicas planned for the min-max token schedule "
                  "(water-filled loads, heaviest first); eplb = DeepSeek EPLB's layout "
                  "(mode/groups)")
          .group(EplbPlacement::binding(), &C::eplb);
  return b;
}

ExpertLayout MicroMoePlacement::place_batch(const PlacementView& view) {
  if (config_.replicas == "eplb") return eplb_layout(config_.eplb, view.shape, view.loads);
  return microep_layout(view.shape, view.loads);
}

std::vector<double> MicroMoePlacement::schedule_tokens(const EpShape& shape,
                                                       const ExpertLayout& layout,
                                                       std::span<const std::int64_t> loads) {
  const TokenSchedule s = min_max_schedule(shape, layout, loads);
  return {s.gpu_tokens.begin(), s.gpu_tokens.end()};
}

}  // namespace xpusim::policy
