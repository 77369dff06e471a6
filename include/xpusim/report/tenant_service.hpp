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

// Bounds on what per-tenant reporting keeps and writes (docs/outputs.md, "Many tenants").
struct TenantReportLimits {
  // Up to this many tenants every tenant gets its rows in tenant_service.csv and its entry in
  // summary.json; beyond it, only the `detail_tenants` with the most service (CSV, per window)
  // or the most arrivals (summary), ties to the lower index, plus one aggregate row / entry.
  std::size_t detail_tenants = 256;
  // Per-tenant TTFT samples stored exactly, all tenants together; past it every tenant's
  // distribution turns streaming (SampleSummary::to_streaming).
  std::size_t exact_ttft_samples = SampleSummary::kDefaultExactLimit;
};

// Jain's fairness index (sum x)^2 / (n sum x^2) of `x`; 1 when all are equal or x is empty.
double jain_index(const std::vector<double>& x);

class TenantServiceMetrics final : public systems::RequestLifecycleObserver,
                                   public systems::TenantServiceObserver {
 public:
  // `csv`, when given, receives a header and one row per tenant per closed window; it must
  // outlive this object.
  TenantServiceMetrics(std::vector<std::string> tenant_names, ServicePricing pricing,
                       std::ostream* csv = nullptr, TenantReportLimits limits = {});

  void on_arrival(const workload::Request& request, TimeNs now) override;
  void on_request_done(const systems::RequestRecord& record) override;
  void on_admitted(std::int32_t tenant, std::int64_t input_tokens, bool first_time,
                   TimeNs now) override;
  void on_output_tokens(std::int32_t tenant, std::int64_t count, TimeNs now) override;
  void on_requeued(std::int32_t tenant, TimeNs now) override;

  // Closes the windows ending by `end_ns` and returns {fairness: {...}, tenants: {...}}, plus
  // tenants_other: {...} (the aggregate of the tenants left out) beyond limits.detail_tenants.
  nlohmann::json summary(TimeNs end_ns);

  double service(std::int32_t tenant) const;  // weighted, weight-normalised, so far
  std::int64_t waiting(std::int32_t tenant) const;
  double max_window_gap() const { return max_gap_; }

  static const char* csv_header();
  // The tenant name of the aggregate row and the summary key of the aggregate entry.
  static constexpr const char* kOtherTenants = "(other tenants)";

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
  void write_window_rows();
  void write_row(const std::string& name, double service, double in_window,
                 std::int64_t backlogged, std::int64_t waiting);
  std::string name_of(std::size_t i) const;
  // Indices of the `detail_tenants` largest by `key` (ties: lower index), in index order.
  template <typename Key>
  std::vector<std::size_t> top_tenants(Key key) const;
  void add_ttft(Tenant& t, TimeNs ttft_ns);
  nlohmann::json other_tenants(const std::vector<std::size_t>& shown, double span_s) const;

  std::vector<std::string> names_;
  ServicePricing pricing_;
  std::ostream* csv_;
  TenantReportLimits limits_;
  std::size_t ttft_stored_ = 0;  // exact TTFT samples held, all tenants
  bool ttft_streaming_ = false;
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
