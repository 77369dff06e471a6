#pragma once
#include "xpusim/policy/fairness/fairness_policy.hpp"

namespace xpusim::policy {

// First come, first served across tenants (preempted requests first): today's behaviour.
class FcfsFairness final : public FairnessPolicy {
 public:
  bool arrival_order() const override { return true; }
  // Merges the tenant queues by arrival (ties: request id), for callers that ask anyway.
  void admission_order(const FairnessView& view, TimeNs now, std::size_t limit,
                       std::vector<std::int32_t>& order) const override;
  // Tenants the merge looks at: 0..tenant_slots-1 (the instance grows it as tenants appear).
  void on_enqueued(const FairRequest& request, std::size_t waiting_before,
                   const FairnessView& view) override;

 private:
  std::int32_t tenant_slots_ = 0;
};

}  // namespace xpusim::policy
