#pragma once
// What the in-network-aggregation fabric publishes; report implements InaObserver.
#include <cstdint>

#include "xpusim/core/time.hpp"

namespace xpusim::systems {

// One job's life and traffic. Counts are worker packets ("contributions") unless named bytes.
struct InaJobRecord {
  std::int32_t job = 0;
  TimeNs arrival_ns = 0;
  TimeNs finish_ns = -1;  // -1: unfinished at the end of the run
  std::int32_t workers = 0;
  std::int32_t iterations = 0;
  std::int32_t iterations_done = 0;
  std::int64_t packets_per_iteration = 0;    // chunks per worker per iteration
  double gradient_bytes = 0;                 // per worker per iteration
  std::int64_t contributions = 0;            // worker packets whose chunk completed
  std::int64_t in_switch_contributions = 0;  // ... in a chunk aggregated wholly in the switch
  std::int64_t fallback_packets = 0;         // worker packets the switch forwarded to the server
  std::int64_t evicted_partials = 0;         // partial aggregates preempted out of the switch
  std::int64_t evicted_contributions = 0;    // worker packets inside those partials
  std::int64_t retransmissions = 0;          // lost worker packets sent again
};

// A chunk's aggregate as delivered to the workers, with the exact sum of the values the workers
// sent (so a test can check that nothing was lost or counted twice).
struct InaChunkRecord {
  std::int32_t job = 0;
  std::int32_t iteration = 0;
  std::int64_t chunk = 0;  // index within the iteration
  std::int64_t sum = 0;
  std::int64_t expected_sum = 0;
  std::int32_t contributions = 0;
  bool in_switch = false;  // completed in an aggregator slot (not at the parameter server)
};

class InaObserver {
 public:
  virtual ~InaObserver() = default;
  virtual void on_job_finished(const InaJobRecord& record) = 0;
  // At the end of a run, once per job that had not finished (including jobs not yet arrived).
  virtual void on_job_unfinished(const InaJobRecord& record) = 0;
  // Slot occupancy changed: `occupied` slots hold something, `aggregating` of them a partial sum.
  virtual void on_slots_changed(TimeNs now, std::int64_t occupied, std::int64_t aggregating) = 0;
  virtual void on_chunk_aggregated(const InaChunkRecord& record) = 0;
};

}  // namespace xpusim::systems
