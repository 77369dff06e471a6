#pragma once
// A locked clock (Linux's `userspace` governor with a fixed scaling_setspeed): every engine runs
// at its slowest level whose clock is at least `clock` (relative to its top), so engines with
// different level tables share one setting; clock 1 is the top level.
#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/dvfs/dvfs_governor.hpp"

namespace xpusim::policy {

class FixedClockGovernor final : public DvfsGovernor {
 public:
  struct Config {
    double clock = 1.0;  // relative clock, in (0, 1]
  };
  explicit FixedClockGovernor(Config config) : config_(config) {}
  static const ParamBinding<Config>& binding();
  int level(const DvfsView& view) override;

 private:
  Config config_;
};

}  // namespace xpusim::policy
