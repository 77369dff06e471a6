#include "xpusim/report/ina_metrics.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"
#include "xpusim/report/distribution_json.hpp"
#include "xpusim/report/sample_summary.hpp"
#include "xpusim/report/text_format.hpp"

namespace xpusim::report {

InaMetrics::InaMetrics(std::int64_t slots, std::int64_t packet_wire_bytes, TimeNs bin_ns)
    : slots_(slots), packet_wire_bytes_(packet_wire_bytes), bin_ns_(bin_ns) {
  XPUSIM_CHECK(slots > 0 && bin_ns > 0, "INA metrics need slots and a bin width");
}

void InaMetrics::on_job_finished(const systems::InaJobRecord& r) { jobs_.push_back(r); }
void InaMetrics::on_job_unfinished(const systems::InaJobRecord& r) { jobs_.push_back(r); }

void InaMetrics::on_chunk_aggregated(const systems::InaChunkRecord& r) {
  ++chunks_;
  if (r.in_switch) ++chunks_in_switch_;
}

// Adds the current occupancy over [last_ns_, t) to the totals and to each bin it overlaps.
void InaMetrics::integrate_to(TimeNs t) {
  XPUSIM_CHECK(t >= last_ns_, "INA occupancy records went back in time");
  occupied_slot_ns_ += static_cast<double>(occupied_) * static_cast<double>(t - last_ns_);
  aggregating_slot_ns_ += static_cast<double>(aggregating_) * static_cast<double>(t - last_ns_);
  TimeNs from = last_ns_;
  while (from < t) {
    const auto bin = static_cast<std::size_t>(from / bin_ns_);
    const TimeNs to = std::min(t, static_cast<TimeNs>(bin + 1) * bin_ns_);
    if (bin_occupied_.size() <= bin) {
      bin_occupied_.resize(bin + 1, 0.0);
      bin_aggregating_.resize(bin + 1, 0.0);
    }
    bin_occupied_[bin] += static_cast<double>(occupied_) * static_cast<double>(to - from);
    bin_aggregating_[bin] += static_cast<double>(aggregating_) * static_cast<double>(to - from);
    from = to;
  }
  last_ns_ = t;
}

void InaMetrics::on_slots_changed(TimeNs now, std::int64_t occupied, std::int64_t aggregating) {
  integrate_to(now);
  occupied_ = occupied;
  aggregating_ = aggregating;
  peak_occupied_ = std::max(peak_occupied_, occupied);
}

void InaMetrics::finish(TimeNs end_ns) {
  integrate_to(std::max(end_ns, last_ns_));
  end_ns_ = std::max(end_ns, last_ns_);
  std::sort(
      jobs_.begin(), jobs_.end(),
      [](const systems::InaJobRecord& a, const systems::InaJobRecord& b) { return a.job < b.job; });
}

nlohmann::json InaMetrics::summary() const {
  SampleSummary jct;
  std::int64_t completed = 0, contributions = 0, in_switch = 0, fallback = 0, evicted = 0,
               evicted_contributions = 0, retransmissions = 0;
  for (const auto& j : jobs_) {
    if (j.finish_ns >= 0) {
      ++completed;
      jct.add(static_cast<double>(j.finish_ns - j.arrival_ns));
    }
    contributions += j.contributions;
    in_switch += j.in_switch_contributions;
    fallback += j.fallback_packets;
    evicted += j.evicted_partials;
    evicted_contributions += j.evicted_contributions;
    retransmissions += j.retransmissions;
  }
  nlohmann::json s;
  s["jobs"] = {{"total", jobs_.size()},
               {"completed", completed},
               {"unfinished", static_cast<std::int64_t>(jobs_.size()) - completed}};
  s["jct_s"] = distribution_json(jct, jct.count(), 1e9);
  const double span = static_cast<double>(end_ns_) * static_cast<double>(slots_);
  s["switch_memory"] = {
      {"slots", slots_},
      {"mean_utilization", span > 0 ? nlohmann::json(occupied_slot_ns_ / span) : nlohmann::json()},
      {"mean_aggregating_utilization",
       span > 0 ? nlohmann::json(aggregating_slot_ns_ / span) : nlohmann::json()},
      {"peak_occupied_slots", peak_occupied_}};
  const double fallback_packets = static_cast<double>(fallback + evicted);
  s["traffic"] = {
      {"worker_packets", contributions},
      {"in_switch_fraction", contributions > 0 ? nlohmann::json(static_cast<double>(in_switch) /
                                                                static_cast<double>(contributions))
                                               : nlohmann::json()},
      {"chunks", chunks_},
      {"chunks_in_switch", chunks_in_switch_},
      {"fallback_packets", fallback},
      {"evicted_partials", evicted},
      {"evicted_contributions", evicted_contributions},
      {"fallback_bytes", fallback_packets * static_cast<double>(packet_wire_bytes_)},
      {"retransmissions", retransmissions}};
  s["makespan_s"] = static_cast<double>(end_ns_) / 1e9;
  return s;
}

void InaMetrics::write_jobs_csv(std::ostream& out) const {
  out << "job,arrival_s,finish_s,jct_s,workers,iterations,iterations_done,gradient_bytes,"
         "packets_per_iteration,worker_packets,in_switch_packets,fallback_packets,"
         "evicted_partials,evicted_contributions,retransmissions\n";
  for (const auto& j : jobs_) {
    out << j.job << ',';
    write_ns_as_seconds(out, j.arrival_ns);
    out << ',';
    if (j.finish_ns >= 0) {
      write_ns_as_seconds(out, j.finish_ns);
      out << ',';
      write_ns_as_seconds(out, j.finish_ns - j.arrival_ns);
    } else {
      out << ',';
    }
    out << ',' << j.workers << ',' << j.iterations << ',' << j.iterations_done << ','
        << format_fixed(j.gradient_bytes, 0) << ',' << j.packets_per_iteration << ','
        << j.contributions << ',' << j.in_switch_contributions << ',' << j.fallback_packets << ','
        << j.evicted_partials << ',' << j.evicted_contributions << ',' << j.retransmissions << '\n';
  }
}

void InaMetrics::write_memory_csv(std::ostream& out) const {
  out << "time_s,occupied_slots,aggregating_slots,utilization\n";
  for (std::size_t b = 0; b < bin_occupied_.size(); ++b) {
    // The last bin may be cut short by the end of the run.
    const TimeNs start = static_cast<TimeNs>(b) * bin_ns_;
    const TimeNs width = std::min(end_ns_, start + bin_ns_) - start;
    const double w = static_cast<double>(width > 0 ? width : bin_ns_);
    write_ns_as_seconds(out, start);
    out << ',' << format_fixed(bin_occupied_[b] / w, 3) << ','
        << format_fixed(bin_aggregating_[b] / w, 3) << ','
        << format_fixed(bin_occupied_[b] / w / static_cast<double>(slots_), 6) << '\n';
  }
}

}  // namespace xpusim::report
