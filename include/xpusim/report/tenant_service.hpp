#pragma once
// Per-tenant service and fairness metrics (docs/fairness.md): the weighted tokens each tenant
// is served (prompt tokens at admission, output tokens per decode step, priced and divided by
// the tenant's weight — VTC's linear cost), sampled in fixed windows; the service gap between
// tenants backlogged throughout a window; Jain's index; per-tenant TTFT and throughput.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "xpusim/policy/fairness/fairness_policy.hpp"
#include "xpusim/report/sample_summary.hpp"
#include "xpusim/systems/serving_records.hpp"

namespace xpusim::report {

struct ServicePricing {
  policy::TenantWeights weights;
  double input_weight = 1;   // per prompt token
  double output_weight = 2;  // per output token
  double window_s = 60;      // sampling window (VTC plots use 60 s)
};

// Jain's fairness index (sum x)^2 / (n sum x^2) of `x`; 1 when all are equal or x is empty.
double jain_index(const std::vector<double>& x);

class TenantServiceMetrics final : public systems::ServingObserver {
 public:
  // `csv`, when given, receives a header and one row per tenant per closed window; it must
  // outlive this object.
  TenantServiceMetrics(std::vector<std::string> tenant_names, ServicePricing pricing,
                       std::ostream* csv = nullptr);

  void on_arrival(const workload::Request& request, TimeNs now) override;
  void on_request_done(const systems::RequestRecord& record) override;
  void on_token_gaps(TimeNs, std::int64_t) override {}
  void on_preemption(std::uint64_t, int, TimeNs) override {}
  void on_iteration(int, TimeNs, TimeNs, std::int64_t, std::int64_t) override {}
  void on_admitted(std::int32_t tenant, std::int64_t input_tokens, bool first_time,
                   TimeNs now) override;
  void on_output_tokens(std::int32_t tenant, std::int64_t count, TimeNs now) override;
  void on_requeued(std::int32_t tenant, TimeNs now) override;

  // Closes the windows ending by `end_ns` and returns {fairness: {...}, tenants: {...}}.
  nlohmann::json summary(TimeNs end_ns);

  double service(std::int32_t tenant) const;  // weighted, weight-normalised, so far
  std::int64_t waiting(std::int32_t tenant) const;
  double max_window_gap() const { return max_gap_; }

  static const char* csv_header();

 private:
  struct Tenant {
    std::int64_t waiting = 0;
    bool idle_in_window = true;  // had nothing waiting at some moment of the current window
    double service = 0;          // cumulative
    double window_start_service = 0;
    std::int64_t arrived = 0;
    std::int64_t completed = 0;
    std::int64_t rejected = 0;
    std::int64_t input_tokens = 0;   // completed requests
    std::int64_t output_tokens = 0;  // completed requests
    SampleSummary ttft_s;
  };
  Tenant& at(std::int32_t tenant);
  void advance(TimeNs now);  // closes every window ending at or before `now`
  void close_window();
  void set_waiting(Tenant& t, std::int64_t delta);

  std::vector<std::string> names_;
  ServicePricing pricing_;
  std::ostream* csv_;
  std::vector<Tenant> tenants_;
  TimeNs window_ns_;
  TimeNs window_end_ns_;
  std::int64_t windows_ = 0;
  std::int64_t windows_compared_ = 0;  // with >= 2 tenants backlogged throughout
  double max_gap_ = 0;
  double max_cumulative_gap_ = 0;
  double gap_sum_ = 0;
  double jain_sum_ = 0;
};

}  // namespace xpusim::report
