#include "xpusim/report/serving_metrics.hpp"

#include <algorithm>
#include <cmath>

#include "xpusim/core/error.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/report/text_format.hpp"

namespace xpusim::report {
namespace {

using systems::RequestOutcome;
using systems::RequestRecord;

// Division (not ns_to_seconds' multiplication by 1e-9) gives the double nearest to the exact
// decimal, so 1500000000 ns is 1.5 in summary.json, not 1.5000000000000002.
double seconds(TimeNs ns) { return static_cast<double>(ns) / 1e9; }

// A time column: empty when the event never happened (-1 in the record).
void write_time_cell(std::ostream& out, TimeNs ns) {
  if (ns >= 0) write_ns_as_seconds(out, ns);
}

nlohmann::json rate_or_null(double amount, TimeNs makespan_ns) {
  if (makespan_ns <= 0) return nullptr;
  return amount / seconds(makespan_ns);
}

nlohmann::json slo_or_null(double slo_s) {
  if (slo_s <= 0) return nullptr;
  return slo_s;
}

bool has_tpot(const RequestRecord& r) {
  return r.output_tokens > 1 && r.first_token_ns >= 0 && r.finish_ns >= r.first_token_ns;
}

double tpot_ns(const RequestRecord& r) {
  return static_cast<double>(r.finish_ns - r.first_token_ns) /
         static_cast<double>(r.output_tokens - 1);
}

}  // namespace

ServingMetrics::ServingMetrics(SloTargets slo, std::vector<std::string> tenant_names,
                               std::ostream* requests_csv, std::uint64_t csv_one_in)
    : slo_(slo), tenant_names_(std::move(tenant_names)), csv_(requests_csv), csv_one_in_(csv_one_in) {
  if (slo_.ttft_s < 0 || slo_.tpot_s < 0) throw Error("SLOs must be >= 0 seconds (0 = none)");
  if (csv_one_in_ == 0) throw Error("requests.csv sampling: one in N needs N >= 1");
  if (csv_) *csv_ << csv_header() << '\n';
}

bool ServingMetrics::csv_sampled(std::uint64_t id, std::uint64_t one_in) {
  if (one_in <= 1) return true;
  std::uint64_t state = id;
  return splitmix64(state) % one_in == 0;
}

const char* ServingMetrics::csv_header() {
  return "id,instance,tenant,prompt_tokens,output_tokens,arrival_s,first_scheduled_s,"
         "first_token_s,finish_s,ttft_s,tpot_s,e2e_s,preemptions,outcome,slo_met";
}

void ServingMetrics::on_arrival(const workload::Request&, TimeNs) { ++arrived_; }

void ServingMetrics::on_token_gaps(TimeNs gap_ns, std::int64_t count) {
  tbt_ns_.add(static_cast<double>(gap_ns), count);
}

void ServingMetrics::on_preemption(std::uint64_t, int, TimeNs) { ++preemptions_; }

void ServingMetrics::on_iteration(int, TimeNs start_ns, TimeNs end_ns, std::int64_t,
                                  std::int64_t) {
  XPUSIM_DEBUG_CHECK(end_ns >= start_ns, "iteration ends before it starts");
  ++iterations_;
  iteration_ns_ += end_ns - start_ns;
}

bool ServingMetrics::meets_slo(const RequestRecord& r, double ttft_s, double tpot_s) const {
  if (r.outcome != RequestOutcome::Completed) return false;
  const double ttft_slo = r.ttft_slo_s > 0 ? r.ttft_slo_s : slo_.ttft_s;
  const double tpot_slo = r.tpot_slo_s > 0 ? r.tpot_slo_s : slo_.tpot_s;
  if (ttft_slo > 0 && (r.first_token_ns < 0 || !(ttft_s <= ttft_slo))) return false;
  // A single-token request has no TPOT, so it cannot miss a TPOT objective.
  if (tpot_slo > 0 && has_tpot(r) && !(tpot_s <= tpot_slo)) return false;
  return true;
}

void ServingMetrics::on_request_done(const RequestRecord& r) {
  double ttft = -1, tpot = -1;
  if (r.outcome == RequestOutcome::Completed) {
    XPUSIM_DEBUG_CHECK(r.finish_ns >= r.arrival_ns, "request finishes before it arrives");
    // Per-request timestamps are ordered: arrival <= first scheduled <= first token <= finish.
    XPUSIM_DEBUG_CHECK(r.first_scheduled_ns < 0 || r.first_scheduled_ns >= r.arrival_ns,
                       "request " + std::to_string(r.id) + " scheduled before it arrived");
    XPUSIM_DEBUG_CHECK(r.first_token_ns < 0 || (r.first_token_ns >= r.first_scheduled_ns &&
                                                r.first_token_ns <= r.finish_ns),
                       "request " + std::to_string(r.id) + " has its first token out of order");
    ++completed_;
    input_tokens_ += r.prompt_tokens;
    output_tokens_ += r.output_tokens;
    e2e_s_.add_ns_as_seconds(r.finish_ns - r.arrival_ns);
    if (r.priority > 0) {
      ++high_completed_;
      high_e2e_s_.add_ns_as_seconds(r.finish_ns - r.arrival_ns);
      if (r.first_token_ns >= 0) high_ttft_s_.add_ns_as_seconds(r.first_token_ns - r.arrival_ns);
      if (has_tpot(r)) high_tpot_s_.add(tpot_ns(r) / 1e9);
    }
    if (r.first_scheduled_ns >= 0) scheduling_delay_s_.add_ns_as_seconds(r.first_scheduled_ns - r.arrival_ns);
    if (r.first_token_ns >= 0) {
      ttft = seconds(r.first_token_ns - r.arrival_ns);
      ttft_s_.add_ns_as_seconds(r.first_token_ns - r.arrival_ns);  // records the same `ttft`
    }
    if (has_tpot(r)) {
      tpot = tpot_ns(r) / 1e9;
      tpot_s_.add(tpot);
    }
  } else if (r.outcome == RequestOutcome::Lost) {
    ++lost_;
  } else {
    ++rejected_;
  }
  const bool good = meets_slo(r, ttft, tpot);
  if (good) ++good_;
  if (csv_ && csv_sampled(r.id, csv_one_in_)) write_csv_row(r, good);
}

void ServingMetrics::write_csv_row(const RequestRecord& r, bool slo_met) {
  // The row is assembled in a reused buffer and written once: one row per request is on the
  // hot path of million-request runs.
  row_.str(std::string());
  std::ostream& out = row_;
  out << r.id << ',' << r.instance << ',';
  if (r.tenant >= 0 && static_cast<std::size_t>(r.tenant) < tenant_names_.size())
    write_csv_cell(out, tenant_names_[static_cast<std::size_t>(r.tenant)]);
  else
    out << r.tenant;  // no name known: the index itself
  out << ',' << r.prompt_tokens << ',' << r.output_tokens << ',';
  for (const TimeNs t : {r.arrival_ns, r.first_scheduled_ns, r.first_token_ns, r.finish_ns}) {
    write_time_cell(out, t);
    out << ',';
  }
  const bool done = r.outcome == RequestOutcome::Completed && r.finish_ns >= 0;
  if (done && r.first_token_ns >= 0) write_ns_as_seconds(out, r.first_token_ns - r.arrival_ns);
  out << ',';
  if (done && has_tpot(r)) write_ns_as_seconds(out, static_cast<TimeNs>(std::llround(tpot_ns(r))));
  out << ',';
  if (done) write_ns_as_seconds(out, r.finish_ns - r.arrival_ns);
  out << ',' << r.preemptions << ','
      << (r.outcome == RequestOutcome::Completed ? "completed"
          : r.outcome == RequestOutcome::Lost    ? "lost"
                                                 : "rejected") << ','
      << (slo_met ? 1 : 0) << '\n';
  const std::string_view row = row_.view();
  csv_->write(row.data(), static_cast<std::streamsize>(row.size()));
}

nlohmann::json ServingMetrics::summary(TimeNs makespan_ns) const {
  nlohmann::json j = nlohmann::json::object();
  j["makespan_s"] = seconds(makespan_ns);
  j["ttft_s"] = ttft_s_.to_json();
  j["tbt_s"] = tbt_ns_.to_json(1e9);
  j["tpot_s"] = tpot_s_.to_json();
  j["e2e_s"] = e2e_s_.to_json();
  j["scheduling_delay_s"] = scheduling_delay_s_.to_json();
  j["throughput"] = {
      {"requests_per_s", rate_or_null(static_cast<double>(completed_), makespan_ns)},
      {"input_tokens_per_s", rate_or_null(static_cast<double>(input_tokens_), makespan_ns)},
      {"output_tokens_per_s", rate_or_null(static_cast<double>(output_tokens_), makespan_ns)}};
  j["requests"] = {{"arrived", arrived_},
                   {"completed", completed_},
                   {"rejected", rejected_},
                   {"lost", lost_},
                   {"preempted", preemptions_}};
  j["tokens"] = {{"input", input_tokens_}, {"output", output_tokens_}};
  // Only runs whose workload has priorities (Llumnix's high-priority requests) get the block.
  if (high_completed_ > 0)
    j["high_priority"] = {{"completed", high_completed_},
                          {"ttft_s", high_ttft_s_.to_json()},
                          {"tpot_s", high_tpot_s_.to_json()},
                          {"e2e_s", high_e2e_s_.to_json()}};
  // Requests still running at the end count against the fraction: they met no SLO in the run.
  const std::int64_t denominator = std::max(arrived_, completed_ + rejected_ + lost_);
  j["goodput"] = {
      {"slo_ttft_s", slo_or_null(slo_.ttft_s)},
      {"slo_tpot_s", slo_or_null(slo_.tpot_s)},
      {"requests", good_},
      {"requests_per_s", rate_or_null(static_cast<double>(good_), makespan_ns)},
      {"fraction", denominator > 0 ? nlohmann::json(static_cast<double>(good_) /
                                                    static_cast<double>(denominator))
                                   : nlohmann::json(nullptr)}};
  j["iterations"] = {
      {"count", iterations_},
      {"mean_s", iterations_ > 0 ? nlohmann::json(seconds(iteration_ns_) /
                                                  static_cast<double>(iterations_))
                                 : nlohmann::json(nullptr)}};
  return j;
}

}  // namespace xpusim::report
