#pragma once
// Slack-aware DVFS: the slowest level at which the iteration still meets its deadline, were the
// rest of it to run alone on this engine at that level (the decision an SLO-aware scheduler such
// as Agent.xpu's can make, since it knows each flow's class and the time left; GreenLLM and
// DynamoLLM pick GPU clocks against TTFT/TBT SLOs the same way). Deadlines per iteration:
//   decode step: opened + tbt_slo            (one token per member flow per step)
//   prefill chunk: turn ready + ttft_slo * (prompt done after this chunk) / prompt
// with the SLOs of the iteration's class. When no level meets the deadline, the top level runs.
#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/dvfs/dvfs_governor.hpp"

namespace xpusim::policy {

class SlackGovernor final : public DvfsGovernor {
 public:
  struct Config {
    double reactive_ttft_slo_s = 1.0;
    double reactive_tbt_slo_s = 0.1;
    double proactive_ttft_slo_s = 10.0;
    double proactive_tbt_slo_s = 0.5;
  };
  explicit SlackGovernor(Config config) : config_(config) {}
  static const ParamBinding<Config>& binding();
  int level(const DvfsView& view) override;
  // The deadline of the iteration `r` describes.
  TimeNs deadline_ns(const DvfsRequest& r) const;

 private:
  Config config_;
};

}  // namespace xpusim::policy
