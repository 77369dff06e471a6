#pragma once
// Switch-memory family: "which aggregator slot does this gradient chunk use — or does it go to
// the parameter server?" (in-network aggregation: SwitchML, ATP, ESA; refs/policies.md E).
#include <cstdint>

#include "xpusim/core/catalog.hpp"
#include "xpusim/core/time.hpp"

namespace xpusim::policy {

// What an aggregator slot holds. Complete: the aggregate has left the slot (towards the
// parameter server) but the slot is kept until the acknowledgement passes back (ATP).
enum class SlotState : std::uint8_t { Free, Aggregating, Complete };

struct SlotHolder {
  SlotState state = SlotState::Free;
  std::int32_t job = -1;
  std::int64_t chunk = -1;         // the job's chunk sequence number
  std::int32_t contributions = 0;  // worker packets summed so far
};

// One gradient chunk of one job: `chunk` counts over the job's whole run (iteration x
// packets per iteration + index), so iterations hash to different slots.
struct ChunkKey {
  std::int32_t job = 0;
  std::int64_t chunk = 0;
};

// The switch as a slot-allocation policy sees it when a chunk's first packet arrives.
class SwitchMemoryView {
 public:
  virtual ~SwitchMemoryView() = default;
  virtual std::int64_t slot_count() const = 0;
  virtual SlotHolder slot(std::int64_t index) const = 0;
  // Gradient bytes the job has still to get aggregated (this and later iterations).
  virtual double remaining_bytes(std::int32_t job) const = 0;
  virtual TimeNs arrival_ns(std::int32_t job) const = 0;
  // Which switch this is when a fabric has several (a rack switch's index; the single-switch
  // star is switch 0). A policy that keeps per-switch state (static pools) keys it by this.
  virtual std::int32_t switch_index() const { return 0; }
};

enum class SlotAction : std::uint8_t {
  Claim,     // take `slot`, which is free
  Preempt,   // take `slot` from its holder; a partial aggregate goes to the holder's server
  Fallback,  // aggregate this chunk at the job's parameter server
};

struct SlotDecision {
  SlotAction action = SlotAction::Fallback;
  std::int64_t slot = -1;
  bool operator==(const SlotDecision&) const = default;
};

class SwitchMemoryPolicy {
 public:
  virtual ~SwitchMemoryPolicy() = default;
  // A job is about to stream an iteration's gradient (static pools are handed out here). A
  // fabric with several switches calls it once per switch that aggregates the job's chunks.
  virtual void on_iteration_start(const SwitchMemoryView& view, std::int32_t job) = 0;
  // The job is finished: whatever it holds, at every switch, is given back.
  virtual void on_job_end(std::int32_t job) = 0;
  // Chunks each worker of `job` may have sent without their result (its sending window) as far
  // as `view`'s switch is concerned; a fabric with several switches uses the smallest answer of
  // the switches that aggregate the job's chunks.
  virtual std::int64_t window_packets(const SwitchMemoryView& view, std::int32_t job) const = 0;
  // Where the first packet of `chunk` to reach the switch is aggregated.
  virtual SlotDecision place(const SwitchMemoryView& view, const ChunkKey& chunk) = 0;
  // true: a complete aggregate goes to the parameter server and its slot is freed when the
  // server's result passes back (ATP); false: the switch multicasts the result itself and frees
  // the slot at once (SwitchML).
  virtual bool release_on_ack() const = 0;
};

using SwitchMemoryCatalog = Catalog<SwitchMemoryPolicy>;

void register_switch_memory_policies(SwitchMemoryCatalog& catalog);

// The shared-pool index of a chunk (ATP: hash of job and sequence number over the pool).
std::int64_t hashed_slot(const ChunkKey& chunk, std::int64_t slot_count);

}  // namespace xpusim::policy
