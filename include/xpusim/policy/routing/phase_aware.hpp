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
// The score depends on the request, but among instances of equal capacity it is least at the
// fewest outstanding; so when the view reports its changes the router keeps, per capacity
// group, the least loaded instance (CapacityGroups, O(log n) per changed instance) and compares
// one candidate per group (O(groups) per request, groups = hardware kinds) instead of scanning
// every instance. Both pick the same instance (checked against the scan in invariant builds).
#include "xpusim/policy/routing/capacity_groups.hpp"
#include "xpusim/policy/routing/router.hpp"

namespace xpusim::policy {

class PhaseAwareRouter final : public Router {
 public:
  std::size_t choose_instance(const RoutingView& view, const RouteRequest& request) override;
  bool places_decode() const override { return true; }
  std::size_t choose_decode(const RoutingView& view, const RouteRequest& request) override;
  void on_load_changed(std::size_t instance) override { groups_.mark_changed(instance); }
  void on_decode_load_changed(std::size_t instance) override {
    decode_groups_.mark_changed(instance);
  }

  // First strict minimum of (outstanding + 1) x (prompt / prefill_rate + output / decode_rate),
  // with a zero weight leaving its term out: the reference the indexed pick is checked against.
  static std::size_t scan(const RoutingView& view, double prompt, double output);

 private:
  // The scan's pick, through `groups` when the view reports its changes.
  static std::size_t pick(const RoutingView& view, CapacityGroups& groups, double prompt,
                          double output);

  CapacityGroups groups_;         // the view choose_instance is given
  CapacityGroups decode_groups_;  // the decode pool's view choose_decode is given
};

}  // namespace xpusim::policy
