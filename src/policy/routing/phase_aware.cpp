#include "xpusim/policy/routing/phase_aware.hpp"

#include <algorithm>

namespace xpusim::policy {

std::size_t PhaseAwareRouter::pick(const RoutingView& view, double prompt, double output) {
  std::size_t best = 0;
  double best_score = 0;
  for (std::size_t i = 0; i < view.instance_count(); ++i) {
    const InstanceCapacity c = view.capacity(i);
    double t = 0;
    if (prompt > 0) t += prompt / c.prefill_tokens_per_s;
    if (output > 0) t += output / c.decode_steps_per_s;
    const double score = static_cast<double>(view.outstanding(i) + 1) * t;
    if (i == 0 || score < best_score) {
      best = i;
      best_score = score;
    }
  }
  return best;
}

std::size_t PhaseAwareRouter::choose_instance(const RoutingView& view, const RouteRequest& r) {
  // At least one token of each phase, so an empty prompt or output still weighs the instance.
  const double prompt = static_cast<double>(std::max<std::int64_t>(r.prompt_tokens, 1));
  const double output = static_cast<double>(std::max<std::int64_t>(r.output_tokens, 1));
  return pick(view, prompt, view.single_phase() ? 0 : output);
}

std::size_t PhaseAwareRouter::choose_decode(const RoutingView& view, const RouteRequest& r) {
  return pick(view, 0, static_cast<double>(std::max<std::int64_t>(r.output_tokens, 1)));
}

}  // namespace xpusim::policy
