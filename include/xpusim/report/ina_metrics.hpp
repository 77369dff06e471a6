#pragma once
// Collects in-network-aggregation metrics from the fabric's records: job completion times,
// aggregator-memory utilization over time, the share of traffic aggregated in the switch and
// the traffic that fell back to parameter servers. Writes jobs.csv and switch_memory.csv.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "xpusim/core/time.hpp"
#include "xpusim/systems/ina_records.hpp"

namespace xpusim::report {

class InaMetrics final : public systems::InaObserver {
 public:
  // `slots`: the switch's aggregator slots; `packet_wire_bytes`: one packet on the wire;
  // `bin_ns`: width of a switch_memory.csv row.
  InaMetrics(std::int64_t slots, std::int64_t packet_wire_bytes, TimeNs bin_ns);

  void on_job_finished(const systems::InaJobRecord& record) override;
  void on_job_unfinished(const systems::InaJobRecord& record) override;
  void on_slots_changed(TimeNs now, std::int64_t occupied, std::int64_t aggregating) override;
  void on_chunk_aggregated(const systems::InaChunkRecord& record) override;

  // Closes the occupancy integral at `end_ns` (call once, before summary and the CSVs).
  void finish(TimeNs end_ns);
  nlohmann::json summary() const;
  std::size_t jobs_finished() const { return jobs_.size(); }  // before finish(): finished only
  void write_jobs_csv(std::ostream& out) const;
  void write_memory_csv(std::ostream& out) const;

 private:
  void integrate_to(TimeNs t);

  std::int64_t slots_;
  std::int64_t packet_wire_bytes_;
  TimeNs bin_ns_;
  std::vector<systems::InaJobRecord> jobs_;  // finished and unfinished, sorted at the end
  TimeNs last_ns_ = 0;
  std::int64_t occupied_ = 0;
  std::int64_t aggregating_ = 0;
  std::int64_t peak_occupied_ = 0;
  double occupied_slot_ns_ = 0;  // integral of occupied slots over time
  double aggregating_slot_ns_ = 0;
  std::vector<double> bin_occupied_;  // per bin: integral of occupied slots (slot x ns)
  std::vector<double> bin_aggregating_;
  std::int64_t chunks_ = 0;
  std::int64_t chunks_in_switch_ = 0;
  TimeNs end_ns_ = 0;
};

}  // namespace xpusim::report
