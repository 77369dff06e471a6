#pragma once
// In-network aggregation on one programmable switch (a star: every worker and every job's
// parameter server on its own port). Per iteration each job's workers compute, then stream
// their gradient as packets of slot_elements values under a sliding window; the switch sums a
// chunk's packets in an aggregator slot chosen by the switch-memory policy, or forwards them to
// the job's parameter server; the result is multicast back and opens the windows. Events are
// per packet and per chunk, never per element. docs/ina.md states the model and its choices.
#include <cstdint>
#include <vector>

#include "xpusim/core/rng.hpp"
#include "xpusim/core/simulator.hpp"
#include "xpusim/hw/switch_spec.hpp"
#include "xpusim/policy/switch_memory/switch_memory_policy.hpp"
#include "xpusim/systems/aggregator_slots.hpp"
#include "xpusim/systems/ina_records.hpp"
#include "xpusim/workload/training_job.hpp"

namespace xpusim::systems {

class InaFabric final : public EventHandler, private policy::SwitchMemoryView {
 public:
  struct Wiring {
    Simulator& sim;
    policy::SwitchMemoryPolicy& policy;
    InaObserver& observer;
  };
  InaFabric(Wiring wiring, const hw::SwitchSpec& sw, const workload::TrainingTransport& transport,
            std::vector<workload::TrainingJob> jobs, std::uint64_t seed);

  void start();  // schedules the arrivals
  void on_event(std::uint32_t tag, std::uint64_t payload) override;
  // Publishes the jobs that have not finished (call once, after the run).
  void report_unfinished();

  std::int64_t finished_jobs() const { return finished_; }
  const AggregatorSlots& slots() const { return slots_; }
  // The value worker `worker` contributes to element block `chunk` of `iteration` (exact
  // integers, as SwitchML's fixed-point gradients; fixed so tests can recompute sums).
  static std::int64_t gradient_value(std::int32_t job, std::int32_t worker, std::int32_t iteration,
                                     std::int64_t chunk);

 private:
  enum Tag : std::uint32_t {
    kArrive,
    kComputeDone,
    kPacketAtSwitch,
    kAckAtSwitch,
    kResultAtWorkers
  };
  enum class Site : std::uint8_t { Unplaced, Switch, Server };

  struct Chunk {
    Site site = Site::Unplaced;
    bool in_switch = false;  // completed in its slot
    bool done = false;       // result reached the workers
    std::int64_t slot = -1;
    std::int64_t server_sum = 0;
    std::int32_t server_count = 0;
    TimeNs server_ready_ns = 0;  // last contribution has reached the server
    std::int64_t final_sum = 0;
    std::int64_t expected_sum = 0;  // what the workers sent, summed as they sent it
  };
  struct Worker {
    bool ready = false;  // computed this iteration's gradient
    std::int64_t next = 0;
    TimeNs port_free_ns = 0;
  };
  struct Job {
    workload::TrainingJob spec;
    std::int64_t packets = 0;  // per worker per iteration
    std::int32_t iteration = 0;
    std::int64_t acked_low = 0;  // results of chunks [0, acked_low) have reached the workers
    std::int64_t acked = 0;
    std::int64_t window = 1;
    std::vector<Chunk> chunks;
    std::vector<Worker> workers;
    TimeNs server_port_free_ns = 0;
    InaJobRecord record;
  };

  // SwitchMemoryView
  std::int64_t slot_count() const override { return slots_.count(); }
  policy::SlotHolder slot(std::int64_t index) const override { return slots_.holder(index); }
  double remaining_bytes(std::int32_t job) const override;
  TimeNs arrival_ns(std::int32_t job) const override;

  void start_iteration(Job& job);
  void pump(Job& job, std::int32_t worker);
  void on_packet(Job& job, std::int32_t worker, std::int64_t chunk);
  void place(Job& job, std::int64_t chunk);
  void evict(std::int64_t slot);
  void complete_in_switch(Job& job, std::int64_t chunk);
  void to_server(Job& job, std::int64_t chunk, std::int64_t sum, std::int32_t count);
  void on_ack(Job& job, std::int64_t chunk);
  void on_result(Job& job, std::int64_t chunk);
  void slots_changed();
  std::int64_t global_chunk(const Job& job, std::int64_t chunk) const {
    return static_cast<std::int64_t>(job.iteration) * job.packets + chunk;
  }

  Simulator& sim_;
  policy::SwitchMemoryPolicy& policy_;
  InaObserver& observer_;
  hw::SwitchSpec switch_;
  workload::TrainingTransport transport_;
  AggregatorSlots slots_;
  std::vector<Job> jobs_;
  RngStream loss_rng_;
  RngStream jitter_rng_;
  TimeNs packet_ns_ = 0;  // serialization of one packet at line rate
  TimeNs link_ns_ = 0;
  TimeNs pipeline_ns_ = 0;
  std::int64_t finished_ = 0;
};

}  // namespace xpusim::systems
