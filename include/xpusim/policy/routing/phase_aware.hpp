#pragma once
// Phase-aware placement for mixed hardware (in the spirit of Splitwise's and Helix's
// placement of each phase on the hardware that suits it): a request's best-case service time
// on an instance is t = prompt_tokens / prefill_rate + output_tokens / decode_rate (the
// roofline ceilings of systems/instance_capacity.hpp), and the request goes where
// (outstanding + 1) x t is smallest. Prompt-heavy requests so lean to compute-rich instances
// and output-heavy ones to bandwidth-rich ones. In a single-phase pool only that phase's term
// counts: the prefill pool by prompt_tokens / prefill_rate, and, as this router also places
// decodes (places_decode), the decode pool by output_tokens / decode_rate over the decode
// instances' outstanding requests and inbound KV. Ties go to the lowest index.
#include "xpusim/policy/routing/router.hpp"

namespace xpusim::policy {

class PhaseAwareRouter final : public Router {
 public:
  std::size_t choose_instance(const RoutingView& view, const RouteRequest& request) override;
  bool places_decode() const override { return true; }
  std::size_t choose_decode(const RoutingView& view, const RouteRequest& request) override;

 private:
  // First strict minimum of (outstanding + 1) x (prompt / prefill_rate + output / decode_rate),
  // with a zero weight leaving its term out.
  static std::size_t pick(const RoutingView& view, double prompt, double output);
};

}  // namespace xpusim::policy
