#include "xpusim/policy/dvfs/slack_governor.hpp"

namespace xpusim::policy {

const ParamBinding<SlackGovernor::Config>& SlackGovernor::binding() {
  using C = Config;
  const Bounds slo{.min = 0, .max = 1e6, .min_exclusive = true};
  static const auto b =
      ParamBinding<C>()
          .real(XPUSIM_KEY(C, reactive_ttft_slo_s), "s",
                "reactive turns' time-to-first-token target; prefill chunks are paced to it in "
                "proportion to the prompt done",
                slo)
          .real(XPUSIM_KEY(C, reactive_tbt_slo_s), "s",
                "reactive decode steps' time-between-tokens target", slo)
          .real(XPUSIM_KEY(C, proactive_ttft_slo_s), "s",
                "proactive turns' time-to-first-token target", slo)
          .real(XPUSIM_KEY(C, proactive_tbt_slo_s), "s",
                "proactive decode steps' time-between-tokens target", slo);
  return b;
}

TimeNs SlackGovernor::deadline_ns(const DvfsRequest& r) const {
  const bool reactive = r.cls == FlowClass::Reactive;
  if (r.stage == Stage::Decode)
    return r.opened_ns +
           seconds_to_ns(reactive ? config_.reactive_tbt_slo_s : config_.proactive_tbt_slo_s);
  const double ttft = reactive ? config_.reactive_ttft_slo_s : config_.proactive_ttft_slo_s;
  const double done = r.prompt_tokens > 0 ? static_cast<double>(r.prompt_done_after) /
                                                static_cast<double>(r.prompt_tokens)
                                          : 1.0;
  return r.turn_ready_ns + seconds_to_ns(ttft * done);
}

int SlackGovernor::level(const DvfsView& view) {
  const int top = static_cast<int>(view.levels().size()) - 1;
  const double budget = static_cast<double>(deadline_ns(view.request()) - view.request().now);
  for (int i = 0; i < top; ++i)
    if (view.remaining_ns(i) <= budget) return i;
  return top;
}

}  // namespace xpusim::policy
