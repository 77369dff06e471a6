#pragma once
// timeline.json for in-network aggregation (system: ina): one track per training job with its
// life from arrival to finish (or to the end of the run, marked unfinished), and counter tracks
// for the switch's aggregator slots (occupied, aggregating a partial sum).
//
// Contract: a decorator; every record is forwarded unchanged to `next` (the metrics) first.
// Slot counters are coalesced per simulated instant (the last value at an instant is written,
// once time moves on, and only when it changed). Jobs with id >= `max_job_tracks` get no track
// (counted in jobs_without_track()). finish(end) ends the document once.
#include <cstdint>
#include <ostream>
#include <vector>

#include "xpusim/report/trace_event_stream.hpp"
#include "xpusim/systems/ina_records.hpp"

namespace xpusim::report {

class InaTimeline final : public systems::InaObserver {
 public:
  InaTimeline(std::ostream& out, systems::InaObserver& next, std::uint64_t max_job_tracks);
  void on_job_finished(const systems::InaJobRecord& record) override;
  void on_job_unfinished(const systems::InaJobRecord& record) override;
  void on_slots_changed(TimeNs now, std::int64_t occupied, std::int64_t aggregating) override;
  void on_chunk_aggregated(const systems::InaChunkRecord& record) override;
  void finish(TimeNs end_ns);
  std::uint64_t jobs_without_track() const { return untracked_; }

 private:
  void write_job(const systems::InaJobRecord& r, TimeNs end_ns, bool finished);
  void flush_slots();

  TraceEventStream stream_;
  systems::InaObserver& next_;
  std::uint64_t max_job_tracks_;
  std::vector<systems::InaJobRecord> unfinished_;  // drawn to the end of the run at finish()
  TimeNs pending_ns_ = -1;                          // instant of the pending slot sample
  std::int64_t pending_occupied_ = 0, pending_aggregating_ = 0;
  std::int64_t written_occupied_ = -1, written_aggregating_ = -1;
  std::uint64_t untracked_ = 0;
};

}  // namespace xpusim::report
