#pragma once
// Always the top level: the behaviour of an SoC model without DVFS (the default).
#include "xpusim/policy/dvfs/dvfs_governor.hpp"

namespace xpusim::policy {

class MaxClockGovernor final : public DvfsGovernor {
 public:
  int level(const DvfsView& view) override;
};

}  // namespace xpusim::policy
