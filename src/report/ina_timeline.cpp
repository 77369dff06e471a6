#include "xpusim/report/ina_timeline.hpp"

#include <string>

namespace xpusim::report {
namespace {
constexpr int kJobsPid = 1;
constexpr int kSwitchPid = 2;
}  // namespace

InaTimeline::InaTimeline(std::ostream& out, systems::InaObserver& next,
                         std::uint64_t max_job_tracks)
    : stream_(out), next_(next), max_job_tracks_(max_job_tracks) {
  stream_.name_process(kJobsPid, "jobs");
  stream_.name_process(kSwitchPid, "switch");
}

void InaTimeline::write_job(const systems::InaJobRecord& r, TimeNs end_ns, bool finished) {
  if (r.job < 0 || static_cast<std::uint64_t>(r.job) >= max_job_tracks_) {
    ++untracked_;
    return;
  }
  stream_.name_thread(kJobsPid, r.job, "job " + std::to_string(r.job));
  if (end_ns < r.arrival_ns) return;  // not yet arrived when the run ended
  stream_.begin_span(kJobsPid, r.job, finished ? "job" : "job (unfinished)", r.arrival_ns, end_ns);
  stream_.out() << ",\"args\":{\"workers\":" << r.workers << ",\"iterations_done\":"
                << r.iterations_done << ",\"iterations\":" << r.iterations
                << ",\"fallback_packets\":" << r.fallback_packets
                << ",\"retransmissions\":" << r.retransmissions << "}}";
}

void InaTimeline::on_job_finished(const systems::InaJobRecord& r) {
  next_.on_job_finished(r);
  write_job(r, r.finish_ns, true);
}

void InaTimeline::on_job_unfinished(const systems::InaJobRecord& r) {
  next_.on_job_unfinished(r);
  unfinished_.push_back(r);
}

void InaTimeline::flush_slots() {
  if (pending_ns_ < 0) return;
  if (pending_occupied_ != written_occupied_) {
    stream_.counter(kSwitchPid, "aggregator slots occupied", pending_ns_, pending_occupied_);
    written_occupied_ = pending_occupied_;
  }
  if (pending_aggregating_ != written_aggregating_) {
    stream_.counter(kSwitchPid, "aggregator slots aggregating", pending_ns_, pending_aggregating_);
    written_aggregating_ = pending_aggregating_;
  }
  pending_ns_ = -1;
}

void InaTimeline::on_slots_changed(TimeNs now, std::int64_t occupied, std::int64_t aggregating) {
  next_.on_slots_changed(now, occupied, aggregating);
  if (now != pending_ns_) flush_slots();
  pending_ns_ = now;
  pending_occupied_ = occupied;
  pending_aggregating_ = aggregating;
}

void InaTimeline::on_chunk_aggregated(const systems::InaChunkRecord& record) {
  next_.on_chunk_aggregated(record);
}

void InaTimeline::finish(TimeNs end_ns) {
  flush_slots();
  for (const auto& r : unfinished_) write_job(r, end_ns, false);
  stream_.finish();
}

}  // namespace xpusim::report
