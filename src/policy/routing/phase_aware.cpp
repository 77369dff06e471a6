#include "xpusim/policy/routing/phase_aware.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "xpusim/core/error.hpp"

namespace xpusim::policy {

namespace {

// The request's best-case time on an instance of capacity `c`.
double best_case_time(const InstanceCapacity& c, double prompt, double output) {
  double t = 0;
  if (prompt > 0) t += prompt / c.prefill_tokens_per_s;
  if (output > 0) t += output / c.decode_steps_per_s;
  return t;
}

double score(std::int64_t outstanding, double t) { return static_cast<double>(outstanding + 1) * t; }

}  // namespace

std::size_t PhaseAwareRouter::scan(const RoutingView& view, double prompt, double output) {
  std::size_t best = 0;
  double best_score = 0;
  for (std::size_t i = 0; i < view.instance_count(); ++i) {
    const double s = score(view.outstanding(i), best_case_time(view.capacity(i), prompt, output));
    if (i == 0 || s < best_score) {
      best = i;
      best_score = s;
    }
  }
  return best;
}

std::size_t PhaseAwareRouter::pick(const RoutingView& view, CapacityGroups& groups, double prompt,
                                   double output) {
  if (!view.reports_load_changes()) return scan(view, prompt, output);
  // Within a group, (m + 1) x t is strictly increasing in m when t is a positive normal number,
  // m + 1 < 2^52 and the product is finite (consecutive multiples of t are more than one ulp
  // apart): then the scan's pick is the best group leader, ties to the lower index. Otherwise
  // (never with real capacities) scores may tie inside a group, and the scan decides.
  constexpr std::int64_t kExact = std::int64_t{1} << 52;
  std::size_t best = view.instance_count();
  double best_score = 0;
  for (const CapacityGroups::Leader& l : groups.refresh(view)) {
    const double t = best_case_time(l.capacity, prompt, output);
    const double s = score(l.outstanding, t);
    if (!(t >= DBL_MIN) || !std::isfinite(s) || l.outstanding + 1 >= kExact)
      return scan(view, prompt, output);
    if (best == view.instance_count() || s < best_score || (s == best_score && l.instance < best)) {
      best = l.instance;
      best_score = s;
    }
  }
  if constexpr (kXpusimInvariants) {
    XPUSIM_CHECK(groups.consistent(view),
                 "an instance's load changed without being reported to the router");
    XPUSIM_CHECK(best == scan(view, prompt, output),
                 "the indexed routing pick differs from the linear scan's");
  }
  return best;
}

std::size_t PhaseAwareRouter::choose_instance(const RoutingView& view, const RouteRequest& r) {
  // At least one token of each phase, so an empty prompt or output still weighs the instance.
  const double prompt = static_cast<double>(std::max<std::int64_t>(r.prompt_tokens, 1));
  const double output = static_cast<double>(std::max<std::int64_t>(r.output_tokens, 1));
  return pick(view, groups_, prompt, view.single_phase() ? 0 : output);
}

std::size_t PhaseAwareRouter::choose_decode(const RoutingView& view, const RouteRequest& r) {
  return pick(view, decode_groups_, 0, static_cast<double>(std::max<std::int64_t>(r.output_tokens, 1)));
}

}  // namespace xpusim::policy
