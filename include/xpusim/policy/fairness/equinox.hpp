#pragma once
#include <map>
#include <memory>
#include <vector>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/fairness/fairness_policy.hpp"
#include "xpusim/policy/fairness/output_predictor.hpp"

namespace xpusim::policy {

// Equinox holistic fairness (arXiv 2508.16646), structure from the paper, formula from
// refs/policies.md D.2: per tenant a user-fairness counter (weighted tokens the user is served)
// and a resource-fairness counter (KV token-steps the tenant occupies), both charged at
// admission from the predicted output length and corrected to the truth when the request
// finishes; the tenant with the smallest holistic score
//   HF(u) = alpha * UFC_u / sum UFC + (1 - alpha) * RFC_u / sum RFC   (sums over backlogged)
// is served next. Counters are lifted like VTC's when a tenant returns (docs/fairness.md).
// Latency term: Equinox's user counter measures service "via weighted tokens and latency"; a
// request that waited `wait_s` seconds for admission gives its user latency_weight * wait_s
// priced tokens less quality of service (its user charge is never below zero), so a tenant
// whose requests waited long is served sooner. latency_weight = 0 is the token-only counter.
class EquinoxFairness final : public FairnessPolicy {
 public:
  struct Config {
    double alpha = 0.5;  // weight of the user view against the resource view
    double input_weight = 1;
    double output_weight = 2;
    double latency_weight = 0;  // priced tokens of service one second of waiting takes away
    PredictorConfig predictor;
  };
  static const ParamBinding<Config>& binding();
  EquinoxFairness(Config config, TenantWeights weights, std::uint64_t seed);

  void on_enqueued(const FairRequest& request, std::size_t waiting_before,
                   const FairnessView& view) override;
  void admission_order(const FairnessView& view, TimeNs now, std::size_t limit,
                       std::vector<std::int32_t>& order) const override;
  void on_admitted(const FairRequest& request, bool first_time, TimeNs now) override;
  void on_finished(const FairRequest& request, TimeNs now) override;

  double user_counter(std::int32_t tenant) const;
  double resource_counter(std::int32_t tenant) const;

 private:
  struct Charge {
    double user = 0;
    double resource = 0;
  };
  // What serving `request` with `output_tokens` outputs, admitted after waiting `wait_s`
  // seconds, adds to the two counters.
  Charge charge(const FairRequest& request, double output_tokens, double wait_s) const;
  Charge predicted_charge(const FairRequest& request, TimeNs now) const;
  struct Admitted {
    double predicted = 0;  // output tokens
    double wait_s = 0;     // admission time - arrival
  };
  void ensure(std::int32_t tenant);

  Config config_;
  TenantWeights weights_;
  std::unique_ptr<OutputPredictor> predictor_;
  std::vector<double> ufc_;
  std::vector<double> rfc_;
  std::vector<bool> known_;
  std::vector<std::int32_t> order_;            // first-arrival order (ties go first)
  std::map<std::uint64_t, double> predicted_;   // request id -> predicted output tokens
  std::map<std::uint64_t, Admitted> admitted_;  // charged at admission, corrected at finish
};

}  // namespace xpusim::policy
