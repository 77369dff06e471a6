#include "xpusim/policy/dvfs/max_clock.hpp"

namespace xpusim::policy {

int MaxClockGovernor::level(const DvfsView& view) {
  return static_cast<int>(view.levels().size()) - 1;
}

}  // namespace xpusim::policy
