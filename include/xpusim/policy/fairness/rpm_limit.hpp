#pragma once
#include <deque>
#include <vector>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/fairness/fairness_policy.hpp"

namespace xpusim::policy {

// Requests-per-minute rate limiting (the VTC artifact's "LShare" baseline): a tenant that had
// `requests_per_minute` requests accepted in the last 60 s has further arrivals rejected;
// accepted requests are served first come, first served. Not work-conserving by design.
class RpmLimitFairness final : public FairnessPolicy {
 public:
  struct Config {
    std::int64_t requests_per_minute = 20;
    double window_s = 60;
  };
  static const ParamBinding<Config>& binding();
  explicit RpmLimitFairness(Config config) : config_(config) {}

  bool arrival_order() const override { return true; }
  bool accept(const FairRequest& request, const FairnessView& view, TimeNs now) override;
  void admission_order(const FairnessView& view, TimeNs now, std::size_t limit,
                       std::vector<std::int32_t>& order) const override;
  void on_enqueued(const FairRequest& request, std::size_t waiting_before,
                   const FairnessView& view) override {
    fcfs_tenants_ = std::max(fcfs_tenants_, request.tenant + 1);
    (void)waiting_before;
    (void)view;
  }

 private:
  Config config_;
  std::vector<std::deque<TimeNs>> accepted_;  // per tenant: accept times within the window
  std::int32_t fcfs_tenants_ = 0;
};

}  // namespace xpusim::policy
