// The registry lines of the DVFS family: one per governor, by the name the YAML uses.
#include "xpusim/policy/dvfs/fixed_clock.hpp"
#include "xpusim/policy/dvfs/max_clock.hpp"
#include "xpusim/policy/dvfs/slack_governor.hpp"

namespace xpusim::policy {

void register_dvfs_governors(DvfsCatalog& c) {
  c.add("max", "every engine at its top level (no DVFS; the default)", ParamSchema{},
        [](const Params&) { return std::make_unique<MaxClockGovernor>(); });
  c.add("fixed",
        "every engine locked at its slowest level whose clock is at least `clock` (Linux's "
        "userspace governor)",
        FixedClockGovernor::binding(),
        [](FixedClockGovernor::Config cfg) { return std::make_unique<FixedClockGovernor>(cfg); });
  c.add("slack",
        "slowest level at which the iteration still meets its class's TTFT/TBT target, top "
        "level when none does (SLO-aware DVFS)",
        SlackGovernor::binding(),
        [](SlackGovernor::Config cfg) { return std::make_unique<SlackGovernor>(cfg); });
}

}  // namespace xpusim::policy
