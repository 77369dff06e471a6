#include "xpusim/policy/dvfs/fixed_clock.hpp"

namespace xpusim::policy {

const ParamBinding<FixedClockGovernor::Config>& FixedClockGovernor::binding() {
  static const auto b = ParamBinding<Config>().real(
      XPUSIM_KEY(Config, clock), "",
      "relative clock every engine is locked at: its slowest level whose clock is at least this "
      "(1 = the top level)",
      {.min = 0, .max = 1, .min_exclusive = true});
  return b;
}

int FixedClockGovernor::level(const DvfsView& view) {
  const auto& levels = view.levels();
  for (std::size_t i = 0; i < levels.size(); ++i)
    if (levels[i].clock >= config_.clock) return static_cast<int>(i);
  return static_cast<int>(levels.size()) - 1;
}

}  // namespace xpusim::policy
