#pragma once
// Collects serving metrics (latencies, throughput, goodput, iterations) from the records a
// serving system publishes, and streams requests.csv as requests finish.
#include <cstdint>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "xpusim/core/time.hpp"
#include "xpusim/report/log_histogram.hpp"
#include "xpusim/report/sample_summary.hpp"
#include "xpusim/systems/serving_records.hpp"

namespace xpusim::report {

// Scenario-wide service-level objectives; 0 means no objective. A request's own nonzero SLOs
// override these.
struct SloTargets {
  double ttft_s = 0;
  double tpot_s = 0;
};

// The serving metrics of the report layer (request lifecycle and iterations). Memory per request is three doubles (TTFT,
// TPOT, E2E samples); per token nothing (TBT goes to a fixed-size LogHistogram).
class ServingMetrics : public systems::RequestLifecycleObserver,
                       public systems::DeviceActivityObserver {
 public:
  // `requests_csv`, when given, receives the header now and one row per finished request (per
  // sampled request when `csv_one_in` > 1: see csv_sampled()); it must outlive this object.
  // `tenant_names[i]` names tenant index i in the CSV.
  ServingMetrics(SloTargets slo, std::vector<std::string> tenant_names,
                 std::ostream* requests_csv = nullptr, std::uint64_t csv_one_in = 1);

  // Whether request `id` gets a requests.csv row under `--requests-csv sample:N` (N =
  // `one_in`): SplitMix64(id) mod N == 0, about one request in N, the same ones on every run and
  // independent of arrival order or periodic patterns in the ids. N = 1 samples every request.
  static bool csv_sampled(std::uint64_t id, std::uint64_t one_in);

  void on_arrival(const workload::Request& request, TimeNs now) override;
  void on_request_done(const systems::RequestRecord& record) override;
  void on_token_gaps(TimeNs gap_ns, std::int64_t count) override;
  void on_preemption(std::uint64_t request_id, int instance, TimeNs now) override;
  void on_iteration(int instance, TimeNs start_ns, TimeNs end_ns, std::int64_t decode_seqs,
                    std::int64_t prefill_tokens) override;

  // Every serving metric (see docs/outputs.md); rates divide by `makespan_ns` and are null
  // when it is 0.
  nlohmann::json summary(TimeNs makespan_ns) const;

  std::int64_t arrived() const { return arrived_; }
  std::int64_t completed() const { return completed_; }
  std::int64_t rejected() const { return rejected_; }
  std::int64_t lost() const { return lost_; }  // dropped by instance failures (faults)
  std::int64_t input_tokens() const { return input_tokens_; }    // of completed requests
  std::int64_t output_tokens() const { return output_tokens_; }  // of completed requests
  std::int64_t good_requests() const { return good_; }
  const SampleSummary& ttft_s() const { return ttft_s_; }
  const SampleSummary& tpot_s() const { return tpot_s_; }
  const SampleSummary& e2e_s() const { return e2e_s_; }
  // Arrival to the first iteration that included the request (Sarathi-Serve's scheduling delay).
  const SampleSummary& scheduling_delay_s() const { return scheduling_delay_s_; }
  const LogHistogram& tbt_ns() const { return tbt_ns_; }

  // The requests.csv header line (without newline).
  static const char* csv_header();

 private:
  bool meets_slo(const systems::RequestRecord& record, double ttft_s, double tpot_s) const;
  void write_csv_row(const systems::RequestRecord& record, bool slo_met);

  SloTargets slo_;
  std::vector<std::string> tenant_names_;
  std::ostream* csv_;
  std::uint64_t csv_one_in_;
  std::ostringstream row_;  // reused buffer for one requests.csv row
  SampleSummary ttft_s_;
  SampleSummary tpot_s_;
  SampleSummary e2e_s_;
  SampleSummary scheduling_delay_s_;
  // The same for completed requests with priority > 0 (reported only when there are any).
  SampleSummary high_ttft_s_;
  SampleSummary high_tpot_s_;
  SampleSummary high_e2e_s_;
  std::int64_t high_completed_ = 0;
  LogHistogram tbt_ns_;
  std::int64_t arrived_ = 0;
  std::int64_t completed_ = 0;
  std::int64_t rejected_ = 0;
  std::int64_t lost_ = 0;
  std::int64_t preemptions_ = 0;
  std::int64_t input_tokens_ = 0;
  std::int64_t output_tokens_ = 0;
  std::int64_t good_ = 0;
  std::int64_t iterations_ = 0;
  TimeNs iteration_ns_ = 0;
};

}  // namespace xpusim::report
