#pragma once
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/fairness/fairness_policy.hpp"

namespace xpusim::policy {

// Virtual Token Counter (Sheng et al., OSDI'24), as in its artifact's vtc_req_queue.py: a
// counter per tenant of the service it received (input tokens at admission, output tokens per
// decode step, each priced and divided by the tenant's weight); the least-counter tenant's
// head request is admitted next; a tenant whose queue was empty is lifted to the smallest
// counter among the other backlogged tenants, so idling never banks credit.
// Cost: O(log n) in the number of tenants n per counter update and per admission decision
// (plus lazily dropped entries of tenants whose queues emptied, each once): the tenants that
// may be backlogged are kept ordered by (counter, first arrival), the linear argmin's order.
class VtcFairness final : public FairnessPolicy {
 public:
  struct Config {
    double input_weight = 1;   // w_p: price of one prompt token
    double output_weight = 2;  // w_q: price of one output token
    bool lift = true;          // false: the artifact's LCF baseline (least counter first)
  };
  static const ParamBinding<Config>& binding();
  VtcFairness(Config config, TenantWeights weights)
      : config_(config), weights_(std::move(weights)) {}

  void on_enqueued(const FairRequest& request, std::size_t waiting_before,
                   const FairnessView& view) override;
  void admission_order(const FairnessView& view, TimeNs now, std::size_t limit,
                       std::vector<std::int32_t>& order) const override;
  void on_admitted(const FairRequest& request, bool first_time, TimeNs now) override;
  void on_output_tokens(std::int32_t tenant, std::int64_t count, TimeNs now) override;
  double service(std::int32_t tenant) const override { return counter(tenant); }

  // The tenant's virtual counter (0 for a tenant never seen).
  double counter(std::int32_t tenant) const;
  // What admitting `request` adds to its tenant's counter.
  double admission_charge(const FairRequest& request) const;

 private:
  using Key = std::pair<double, std::uint32_t>;  // (counter, rank of first arrival)

  double& slot(std::int32_t tenant);  // the tenant's counter, created at 0
  void charge(std::int32_t tenant, double amount);  // keeps backlog_ ordered
  Key key_of(std::int32_t tenant) const;
  // The first entry of backlog_ at or after `it` whose tenant has requests waiting, erasing
  // the entries of tenants that have none on the way (they rejoin on their next on_enqueued).
  std::set<Key>::iterator skip_idle(std::set<Key>::iterator it, const FairnessView& view) const;

  Config config_;
  TenantWeights weights_;
  std::vector<double> counter_;      // by tenant index
  std::vector<bool> known_;          // by tenant index
  std::vector<std::uint32_t> rank_;  // by tenant index: position in order_
  std::vector<std::int32_t> order_;  // tenants in first-arrival order (argmin ties go first)
  // Every tenant with requests waiting, maybe also some whose queues have emptied since, by
  // Key; in_backlog_[t] says whether t has an entry. Pruning it is not a change of the policy
  // (admission_order may do it): membership of idle tenants is never observable.
  mutable std::set<Key> backlog_;
  mutable std::vector<bool> in_backlog_;  // by tenant index
};

}  // namespace xpusim::policy
