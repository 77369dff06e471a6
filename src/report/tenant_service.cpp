#include "xpusim/report/tenant_service.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"
#include "xpusim/report/text_format.hpp"

namespace xpusim::report {

double jain_index(const std::vector<double>& x) {
  double sum = 0;
  double sq = 0;
  for (const double v : x) {
    sum += v;
    sq += v * v;
  }
  if (x.empty() || sq <= 0) return 1.0;
  return sum * sum / (static_cast<double>(x.size()) * sq);
}

TenantServiceMetrics::TenantServiceMetrics(std::vector<std::string> tenant_names,
                                           ServicePricing pricing, std::ostream* csv,
                                           TenantReportLimits limits)
    : names_(std::move(tenant_names)),
      pricing_(std::move(pricing)),
      csv_(csv),
      limits_(limits),
      window_ns_(seconds_to_ns(pricing_.window_s)),
      window_end_ns_(window_ns_) {
  XPUSIM_CHECK(window_ns_ > 0, "service window must be positive");
  tenants_.resize(std::max<std::size_t>(names_.size(), 1));
  if (csv_) *csv_ << csv_header() << '\n';
}

const char* TenantServiceMetrics::csv_header() {
  return "time_s,tenant,service,window_service,backlogged,waiting";
}

TenantServiceMetrics::Tenant& TenantServiceMetrics::at(std::int32_t tenant) {
  const auto t = static_cast<std::size_t>(std::max(tenant, 0));
  if (t >= tenants_.size()) tenants_.resize(t + 1);
  return tenants_[t];
}

double TenantServiceMetrics::service(std::int32_t tenant) const {
  const auto t = static_cast<std::size_t>(tenant);
  return t < tenants_.size() ? tenants_[t].service : 0.0;
}

std::int64_t TenantServiceMetrics::waiting(std::int32_t tenant) const {
  const auto t = static_cast<std::size_t>(tenant);
  return t < tenants_.size() ? tenants_[t].waiting : 0;
}

void TenantServiceMetrics::set_waiting(Tenant& t, std::int64_t delta) {
  t.waiting += delta;
  if (t.waiting <= 0) t.idle_in_window = true;
}

void TenantServiceMetrics::advance(TimeNs now) {
  while (window_end_ns_ <= now) close_window();
}

std::string TenantServiceMetrics::name_of(std::size_t i) const {
  return i < names_.size() ? names_[i] : std::to_string(i);
}

template <typename Key>
std::vector<std::size_t> TenantServiceMetrics::top_tenants(Key key) const {
  std::vector<std::size_t> idx(tenants_.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  const std::size_t k = std::min(limits_.detail_tenants, idx.size());
  const auto before = [&](std::size_t a, std::size_t b) {
    const auto ka = key(tenants_[a]), kb = key(tenants_[b]);
    return ka != kb ? ka > kb : a < b;
  };
  std::nth_element(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k), idx.end(), before);
  idx.resize(k);
  std::sort(idx.begin(), idx.end());
  return idx;
}

void TenantServiceMetrics::write_row(const std::string& name, double service, double in_window,
                                     std::int64_t backlogged, std::int64_t waiting) {
  write_ns_as_seconds(*csv_, window_end_ns_);
  *csv_ << ',';
  write_csv_cell(*csv_, name);
  *csv_ << ',' << format_fixed(service, 3) << ',' << format_fixed(in_window, 3) << ','
        << backlogged << ',' << waiting << '\n';
}

// One row per tenant; beyond limits_.detail_tenants, the tenants with the most service so far
// and one aggregate row for the rest (service sums, backlogged = how many were, waiting = sum).
void TenantServiceMetrics::write_window_rows() {
  const auto row_of = [&](std::size_t i) {
    const Tenant& t = tenants_[i];
    write_row(name_of(i), t.service, t.service - t.window_start_service, t.idle_in_window ? 0 : 1,
              t.waiting);
  };
  if (tenants_.size() <= limits_.detail_tenants) {
    for (std::size_t i = 0; i < tenants_.size(); ++i) row_of(i);
    return;
  }
  const std::vector<std::size_t> top = top_tenants([](const Tenant& t) { return t.service; });
  std::vector<bool> shown(tenants_.size(), false);
  for (const std::size_t i : top) {
    shown[i] = true;
    row_of(i);
  }
  double service = 0, in_window = 0;
  std::int64_t backlogged = 0, waiting = 0;
  for (std::size_t i = 0; i < tenants_.size(); ++i) {
    if (shown[i]) continue;
    const Tenant& t = tenants_[i];
    service += t.service;
    in_window += t.service - t.window_start_service;
    backlogged += t.idle_in_window ? 0 : 1;
    waiting += t.waiting;
  }
  write_row(kOtherTenants, service, in_window, backlogged, waiting);
}

// A window compares the tenants that had requests waiting throughout it: each one's service
// in the window (weight-normalised), their max - min gap and Jain's index.
void TenantServiceMetrics::close_window() {
  if (csv_) write_window_rows();
  std::vector<double> served;
  for (Tenant& t : tenants_) {
    if (!t.idle_in_window) served.push_back(t.service - t.window_start_service);
    t.window_start_service = t.service;
    t.idle_in_window = t.waiting <= 0;
  }
  ++windows_;
  // VTC's "absolute difference in service": accumulated service, max - min over the tenants
  // that have sent anything so far.
  double lo = 0;
  double hi = 0;
  bool any = false;
  for (const Tenant& t : tenants_) {
    if (t.arrived == 0) continue;
    lo = any ? std::min(lo, t.service) : t.service;
    hi = any ? std::max(hi, t.service) : t.service;
    any = true;
  }
  max_cumulative_gap_ = std::max(max_cumulative_gap_, hi - lo);
  if (served.size() >= 2) {
    const auto [lo, hi] = std::minmax_element(served.begin(), served.end());
    max_gap_ = std::max(max_gap_, *hi - *lo);
    gap_sum_ += *hi - *lo;
    jain_sum_ += jain_index(served);
    ++windows_compared_;
  }
  window_end_ns_ += window_ns_;
}

void TenantServiceMetrics::on_arrival(const workload::Request& r, TimeNs now) {
  advance(now);
  Tenant& t = at(r.tenant);
  ++t.arrived;
  set_waiting(t, +1);
}

void TenantServiceMetrics::on_request_done(const systems::RequestRecord& r) {
  Tenant& t = at(r.tenant);
  if (r.outcome == systems::RequestOutcome::Rejected) {
    // Rejected requests were waiting (or about to): they leave without being admitted.
    ++t.rejected;
    set_waiting(t, -1);
    return;
  }
  advance(r.finish_ns);
  ++t.completed;
  t.input_tokens += r.prompt_tokens;
  t.output_tokens += r.output_tokens;
  if (r.first_token_ns >= 0) add_ttft(t, r.first_token_ns - r.arrival_ns);
}

void TenantServiceMetrics::add_ttft(Tenant& t, TimeNs ttft_ns) {
  if (!ttft_streaming_ && ++ttft_stored_ > limits_.exact_ttft_samples) {
    ttft_streaming_ = true;
    for (Tenant& u : tenants_) u.ttft_s.to_streaming();
  }
  if (ttft_streaming_) t.ttft_s.to_streaming();  // a tenant first seen after the switch
  t.ttft_s.add_ns_as_seconds(ttft_ns);  // ttft_ns / 1e9 seconds, stored compactly
}

void TenantServiceMetrics::on_admitted(std::int32_t tenant, std::int64_t input_tokens,
                                       bool first_time, TimeNs now) {
  advance(now);
  Tenant& t = at(tenant);
  set_waiting(t, -1);
  if (first_time)
    t.service +=
        pricing_.input_weight * static_cast<double>(input_tokens) / pricing_.weights.weight(tenant);
}

void TenantServiceMetrics::on_output_tokens(std::int32_t tenant, std::int64_t count, TimeNs now) {
  advance(now);
  at(tenant).service +=
      pricing_.output_weight * static_cast<double>(count) / pricing_.weights.weight(tenant);
}

void TenantServiceMetrics::on_requeued(std::int32_t tenant, TimeNs now) {
  advance(now);
  set_waiting(at(tenant), +1);
}

namespace {

nlohmann::json rate_or_null(double amount, double span_s) {
  return span_s > 0 ? nlohmann::json(amount / span_s) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json TenantServiceMetrics::summary(TimeNs end_ns) {
  advance(end_ns);
  const double span_s = static_cast<double>(end_ns) / 1e9;
  std::vector<double> served;
  for (const Tenant& t : tenants_)
    if (t.arrived > 0) served.push_back(t.service);
  // Every tenant, or (beyond limits_.detail_tenants) those with the most arrivals.
  std::vector<std::size_t> shown;
  if (tenants_.size() <= limits_.detail_tenants) {
    for (std::size_t i = 0; i < tenants_.size(); ++i) shown.push_back(i);
  } else {
    shown = top_tenants([](const Tenant& t) { return t.arrived; });
  }
  nlohmann::json tenants = nlohmann::json::object();
  for (const std::size_t i : shown) {
    const Tenant& t = tenants_[i];
    nlohmann::json j = nlohmann::json::object();
    j["arrived"] = t.arrived;
    j["completed"] = t.completed;
    j["rejected"] = t.rejected;
    j["service"] = t.service;
    j["ttft_s"] = t.ttft_s.to_json();
    j["output_tokens_per_s"] = rate_or_null(static_cast<double>(t.output_tokens), span_s);
    j["requests_per_s"] = rate_or_null(static_cast<double>(t.completed), span_s);
    tenants[name_of(i)] = j;
  }
  nlohmann::json fairness = nlohmann::json::object();
  fairness["window_s"] = pricing_.window_s;
  fairness["windows"] = windows_;
  fairness["windows_compared"] = windows_compared_;
  fairness["max_service_gap"] =
      windows_compared_ > 0 ? nlohmann::json(max_gap_) : nlohmann::json(nullptr);
  fairness["mean_service_gap"] =
      windows_compared_ > 0 ? nlohmann::json(gap_sum_ / static_cast<double>(windows_compared_))
                            : nlohmann::json(nullptr);
  fairness["jain_backlogged_mean"] =
      windows_compared_ > 0 ? nlohmann::json(jain_sum_ / static_cast<double>(windows_compared_))
                            : nlohmann::json(nullptr);
  fairness["jain_index"] = jain_index(served);
  fairness["max_cumulative_gap"] = max_cumulative_gap_;
  nlohmann::json out{{"fairness", fairness}, {"tenants", tenants}};
  if (shown.size() < tenants_.size()) out["tenants_other"] = other_tenants(shown, span_s);
  return out;
}

// The tenants left out of summary.json's "tenants", together (no TTFT distribution).
nlohmann::json TenantServiceMetrics::other_tenants(const std::vector<std::size_t>& shown,
                                                   double span_s) const {
  std::vector<bool> is_shown(tenants_.size(), false);
  for (const std::size_t i : shown) is_shown[i] = true;
  std::int64_t arrived = 0, completed = 0, rejected = 0, output_tokens = 0;
  double service = 0;
  for (std::size_t i = 0; i < tenants_.size(); ++i) {
    if (is_shown[i]) continue;
    const Tenant& t = tenants_[i];
    arrived += t.arrived;
    completed += t.completed;
    rejected += t.rejected;
    output_tokens += t.output_tokens;
    service += t.service;
  }
  return nlohmann::json{{"tenants", tenants_.size() - shown.size()},
                        {"arrived", arrived},
                        {"completed", completed},
                        {"rejected", rejected},
                        {"service", service},
                        {"output_tokens_per_s", rate_or_null(static_cast<double>(output_tokens), span_s)},
                        {"requests_per_s", rate_or_null(static_cast<double>(completed), span_s)}};
}

}  // namespace xpusim::report
