#pragma once
// In-network aggregation over several rack switches (ATP, NSDI'21): every rack switch has its
// own aggregator pool; a chunk's packets are first summed at their worker's rack switch
// (level 1), whose complete partial — or each packet that found no slot there — travels over
// the spine to the rack switch of the job's parameter server (PS), which sums again (level 2,
// unless two_level is off) before the aggregate, or what could not be aggregated, reaches the PS.
// The PS's result passes back through level 2, then level 1 (each frees the slot it still
// holds) and reaches the workers. With a policy that does not wait for the PS (SwitchML-style
// static pools) a complete level-2 aggregate is the result: the PS's rack switch frees its slot
// and sends it down at once. Workers send under a window that ATP's AIMD congestion
// control may adjust on ECN marks. Exact integer sums are carried and checked as in InaFabric.
// docs/ina.md ("Racks") states the model and its choices.
#include <cstdint>
#include <optional>
#include <vector>

#include "xpusim/core/rng.hpp"
#include "xpusim/core/simulator.hpp"
#include "xpusim/hw/switch_spec.hpp"
#include "xpusim/policy/switch_memory/switch_memory_policy.hpp"
#include "xpusim/systems/aggregator_slots.hpp"
#include "xpusim/systems/aimd_window.hpp"
#include "xpusim/systems/ina_leaf_spine.hpp"
#include "xpusim/systems/ina_network.hpp"
#include "xpusim/systems/ina_records.hpp"
#include "xpusim/workload/training_job.hpp"

namespace xpusim::systems {

class InaRackFabric final : public EventHandler {
 public:
  struct Wiring {
    Simulator& sim;
    policy::SwitchMemoryPolicy& policy;
    InaObserver& observer;
  };
  InaRackFabric(Wiring wiring, const hw::SwitchSpec& sw, const InaNetworkConfig& net,
                const workload::TrainingTransport& transport,
                std::vector<workload::TrainingJob> jobs, std::uint64_t seed);

  void start();
  void on_event(std::uint32_t tag, std::uint64_t payload) override;
  void report_unfinished();

  std::int64_t finished_jobs() const { return finished_; }
  std::int64_t total_slots() const;
  const AggregatorSlots& rack_slots(std::int32_t rack) const {
    return slots_[static_cast<std::size_t>(rack)];
  }
  const InaLeafSpine& network() const { return net_; }
  // Packets (worker packets and level-1 partials) that reached the PS's rack switch over the
  // spine, per job; and the job's current sending window.
  std::int64_t spine_packets(std::int32_t job) const { return at(job).spine_packets; }
  std::int64_t window(std::int32_t job) const { return at(job).window; }
  std::int64_t window_decreases(std::int32_t job) const {
    return at(job).cc ? at(job).cc->decreases() : 0;
  }

 private:
  enum Tag : std::uint32_t {
    kArrive,
    kComputeDone,
    kPacketAtRack,    // a worker packet reaches its own rack switch
    kPacketAtPsRack,  // a worker packet or a level-1 partial reaches the PS's rack switch
    kAckAtPsRack,     // the PS's result passes the PS's rack switch
    kResultAtRack,    // ... and a worker rack switch
    kResultAtWorkers
  };
  enum class Site : std::uint8_t { Unplaced, Switch, Forward };

  struct RackPart {  // one worker rack's level-1 state for a chunk (not the PS's rack)
    Site site = Site::Unplaced;
    std::int64_t slot = -1;
    bool completed = false;        // the slot sent its complete partial and waits for the result
    std::int64_t partial_sum = 0;  // the partial on its way to level 2
    std::int32_t partial_count = 0;
  };
  struct Chunk {
    std::vector<RackPart> racks;
    Site site = Site::Unplaced;  // level 2
    std::int64_t slot = -1;
    bool in_switch = false;
    bool done = false;
    bool marked = false;  // an ECN mark on any of its packets (echoed with the result)
    std::int64_t server_sum = 0;
    std::int32_t server_count = 0;
    TimeNs server_ready_ns = 0;
    std::int64_t final_sum = 0;
    std::int64_t expected_sum = 0;
  };
  struct Worker {
    bool ready = false;
    std::int64_t next = 0;
    std::int32_t part = -1;  // index into the job's worker racks; -1: the PS's rack
  };
  struct Job {
    workload::TrainingJob spec;
    std::int64_t packets = 0;
    std::int32_t iteration = 0;
    std::int64_t acked_low = 0;
    std::int64_t acked = 0;
    std::int64_t window = 1;
    std::optional<AimdWindow> cc;
    std::vector<std::int32_t> part_rack;   // worker racks other than the PS's
    std::vector<std::int32_t> part_fanin;  // workers in each
    TimeNs result_ns = 0;                  // PS rack switch to the farthest worker
    std::vector<Chunk> chunks;
    std::vector<Worker> workers;
    std::int64_t spine_packets = 0;
    InaJobRecord record;
  };
  // One rack switch's pool as the policy sees it.
  class RackView final : public policy::SwitchMemoryView {
   public:
    RackView(const InaRackFabric& f, std::int32_t rack) : f_(f), rack_(rack) {}
    std::int64_t slot_count() const override { return f_.rack_slots(rack_).count(); }
    policy::SlotHolder slot(std::int64_t i) const override {
      return f_.rack_slots(rack_).holder(i);
    }
    double remaining_bytes(std::int32_t job) const override { return f_.remaining_bytes(job); }
    TimeNs arrival_ns(std::int32_t job) const override { return f_.at(job).spec.arrival_ns; }

   private:
    const InaRackFabric& f_;
    std::int32_t rack_;
  };

  const Job& at(std::int32_t job) const { return jobs_[static_cast<std::size_t>(job)]; }
  Job& at(std::int32_t job) { return jobs_[static_cast<std::size_t>(job)]; }
  double remaining_bytes(std::int32_t job) const;
  std::int64_t global_chunk(const Job& job, std::int64_t c) const {
    return static_cast<std::int64_t>(job.iteration) * job.packets + c;
  }
  std::int32_t ps_rack(const Job& job) const { return net_.ps_rack(job.spec.id); }
  void setup_racks(Job& job);
  // The rack switches that aggregate the job's chunks (level 2 first when it aggregates).
  std::vector<std::int32_t> aggregating_racks(const Job& job) const;

  // Job side (ina_rack_fabric.cpp).
  void start_iteration(Job& job);
  void pump(Job& job, std::int32_t worker);
  void on_result(Job& job, std::int64_t chunk);
  // Switch side (ina_rack_fabric_switch.cpp).
  void on_packet_at_rack(Job& job, std::int32_t worker, std::int64_t chunk);
  void forward_to_ps_rack(Job& job, std::int64_t chunk, std::int32_t part, std::int32_t source);
  void on_packet_at_ps_rack(Job& job, std::int32_t source, std::int64_t chunk);
  void aggregate_at_ps_rack(Job& job, std::int64_t chunk, std::int64_t sum, std::int32_t count);
  // Where the policy puts `chunk` at `rack`'s switch (claiming or preempting a slot there).
  std::int64_t place(Job& job, std::int64_t chunk, std::int32_t rack);
  void evict(std::int32_t rack, std::int64_t slot);
  void to_server(Job& job, std::int64_t chunk, std::int64_t sum, std::int32_t count);
  void on_ack(Job& job, std::int64_t chunk);
  // The result leaves the PS's rack switch towards the worker racks and the workers.
  void send_result_down(Job& job, std::int64_t chunk);
  void on_result_at_rack(Job& job, std::int32_t part, std::int64_t chunk);
  void slots_changed();

  Simulator& sim_;
  policy::SwitchMemoryPolicy& policy_;
  InaObserver& observer_;
  hw::SwitchSpec switch_;
  InaNetworkConfig config_;
  workload::TrainingTransport transport_;
  InaLeafSpine net_;
  std::vector<AggregatorSlots> slots_;
  std::vector<Job> jobs_;
  RngStream loss_rng_;
  RngStream jitter_rng_;
  std::int64_t finished_ = 0;
};

}  // namespace xpusim::systems
