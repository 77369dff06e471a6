#pragma once
// Fairness family: "whose waiting request is admitted next?" — across the tenants that share
// a serving instance. The instance keeps one FIFO per tenant and applies the policy's order;
// policies keep their per-tenant counters and see the queues through FairnessView.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "xpusim/core/catalog.hpp"
#include "xpusim/core/time.hpp"
#include "xpusim/policy/fairness/tenant_weights.hpp"

namespace xpusim::policy {

// A waiting request as a fairness policy sees it.
struct FairRequest {
  std::uint64_t id = 0;
  std::int32_t tenant = 0;
  std::int64_t input_tokens = 0;   // prompt tokens
  std::int64_t output_tokens = 0;  // true output length (only predictors may look at it)
  TimeNs arrival_ns = 0;
  std::int32_t priority = 0;  // the request's own priority (larger = more important)
  bool readmission = false;  // back in the queue after a recompute preemption
};

// The waiting requests of one instance, one FIFO per tenant (tenant = Request::tenant).
class FairnessView {
 public:
  virtual ~FairnessView() = default;
  virtual std::size_t waiting_of(std::int32_t tenant) const = 0;
  // The k-th waiting request of `tenant` (0 = its head); k < waiting_of(tenant).
  virtual const FairRequest& waiting_request(std::int32_t tenant, std::size_t k) const = 0;
};

class FairnessPolicy {
 public:
  virtual ~FairnessPolicy() = default;
  // True when admission is plain arrival order (preempted requests first): the instance then
  // keeps a single queue and never calls admission_order().
  virtual bool arrival_order() const { return false; }
  // A request arrives; false rejects it (admission control, e.g. a rate limit). Called before
  // it joins the view's queues.
  virtual bool accept(const FairRequest& /*request*/, const FairnessView& /*view*/,
                      TimeNs /*now*/) {
    return true;
  }
  // A request joined its tenant's queue, which held `waiting_before` requests (arrival or
  // re-queue after a recompute preemption).
  virtual void on_enqueued(const FairRequest& /*request*/, std::size_t /*waiting_before*/,
                           const FairnessView& /*view*/) {}
  // Appends to `order` the tenants whose head requests would be admitted next, in order, as
  // if each were admitted in turn (so a policy charging at admission alternates), at most
  // `limit` entries and never more than a tenant has waiting. Must not change the policy.
  virtual void admission_order(const FairnessView& view, TimeNs now, std::size_t limit,
                               std::vector<std::int32_t>& order) const = 0;
  // The head of its tenant's queue was admitted (`first_time`: not a re-admission after a
  // recompute preemption).
  virtual void on_admitted(const FairRequest& /*request*/, bool /*first_time*/, TimeNs /*now*/) {}
  // `count` running requests of `tenant` each emitted one output token in a decode step.
  virtual void on_output_tokens(std::int32_t /*tenant*/, std::int64_t /*count*/, TimeNs /*now*/) {}
  // A request of the tenant finished with `output_tokens` generated.
  virtual void on_finished(const FairRequest& /*request*/, TimeNs /*now*/) {}
  // The service the policy has counted for `tenant` (VTC: its virtual counter). Fairness-driven
  // preemption (instance.reprioritize_every) ranks tenants by it, least served first; a policy
  // that keeps no counter answers 0 for everyone, so it never preempts for fairness.
  virtual double service(std::int32_t /*tenant*/) const { return 0.0; }
};

// What every fairness policy may need beyond its own parameters.
struct FairnessContext {
  TenantWeights weights;
  std::uint64_t seed = 0;  // scenario seed (noisy predictors derive their stream)
  int instance = 0;        // so each instance's policy gets its own stream
};

using FairnessCatalog = Catalog<FairnessPolicy, const FairnessContext&>;

// Registers fcfs, rpm_limit, vtc and equinox by the names the YAML uses.
void register_fairness_policies(FairnessCatalog& catalog);

}  // namespace xpusim::policy
