// The job side of the INA fabric: arrivals, iterations, worker windows and results.
// The switch and parameter-server side is in ina_fabric_switch.cpp.
#include "xpusim/systems/ina_fabric.hpp"

#include <algorithm>
#include <cmath>

#include "xpusim/core/error.hpp"
#include "xpusim/systems/ina_job_progress.hpp"

namespace xpusim::systems {

namespace {

// Event payloads: job (16 bits) | worker (16 bits) | chunk within the iteration (32 bits).
std::uint64_t pack(std::int32_t job, std::int32_t worker, std::int64_t chunk) {
  return (static_cast<std::uint64_t>(job) << 48) | (static_cast<std::uint64_t>(worker) << 32) |
         static_cast<std::uint64_t>(chunk);
}
std::int32_t job_of(std::uint64_t p) { return static_cast<std::int32_t>(p >> 48); }
std::int32_t worker_of(std::uint64_t p) { return static_cast<std::int32_t>((p >> 32) & 0xffff); }
std::int64_t chunk_of(std::uint64_t p) { return static_cast<std::int64_t>(p & 0xffffffffu); }

}  // namespace

InaFabric::InaFabric(Wiring w, const hw::SwitchSpec& sw,
                     const workload::TrainingTransport& transport,
                     std::vector<workload::TrainingJob> jobs, std::uint64_t seed)
    : sim_(w.sim),
      policy_(w.policy),
      observer_(w.observer),
      switch_(sw),
      transport_(transport),
      slots_(sw.aggregator_slots()),
      loss_rng_(seed, "ina.loss"),
      jitter_rng_(seed, "ina.compute_jitter") {
  packet_ns_ =
      duration_ns_ceil(static_cast<double>(sw.packet_wire_bytes()) / sw.port_bw_bytes_per_s);
  link_ns_ = seconds_to_ns(sw.link_latency_s);
  pipeline_ns_ = seconds_to_ns(sw.pipeline_latency_s);
  jobs_.reserve(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    jobs_.push_back(new_job<Job>(jobs[i], i, sw, 1 << 16));
  }
}

std::int64_t InaFabric::gradient_value(std::int32_t job, std::int32_t worker,
                                       std::int32_t iteration, std::int64_t chunk) {
  std::uint64_t state =
      (static_cast<std::uint64_t>(job) << 48) ^ (static_cast<std::uint64_t>(worker) << 32) ^
      (static_cast<std::uint64_t>(iteration) << 40) ^ static_cast<std::uint64_t>(chunk);
  // 41-bit signed values: a sum over 2^16 workers cannot overflow.
  return static_cast<std::int64_t>(splitmix64(state) >> 23) - (std::int64_t{1} << 40);
}

void InaFabric::start() {
  for (const Job& j : jobs_)
    sim_.schedule_at(j.spec.arrival_ns, *this, kArrive, pack(j.spec.id, 0, 0));
}

void InaFabric::on_event(std::uint32_t tag, std::uint64_t payload) {
  Job& job = jobs_[static_cast<std::size_t>(job_of(payload))];
  switch (tag) {
    case kArrive:
      start_iteration(job);
      break;
    case kComputeDone:
      job.workers[static_cast<std::size_t>(worker_of(payload))].ready = true;
      pump(job, worker_of(payload));
      break;
    case kPacketAtSwitch:
      on_packet(job, worker_of(payload), chunk_of(payload));
      break;
    case kAckAtSwitch:
      on_ack(job, chunk_of(payload));
      break;
    case kResultAtWorkers:
      on_result(job, chunk_of(payload));
      break;
    default:
      XPUSIM_CHECK(false, "unknown INA event");
  }
}

double InaFabric::remaining_bytes(std::int32_t id) const {
  const Job& j = jobs_[static_cast<std::size_t>(id)];
  const std::int64_t later =
      static_cast<std::int64_t>(j.spec.iterations - j.iteration - 1) * j.packets;
  return static_cast<double>(later + j.packets - j.acked) *
         static_cast<double>(switch_.payload_bytes());
}

TimeNs InaFabric::arrival_ns(std::int32_t id) const {
  return jobs_[static_cast<std::size_t>(id)].spec.arrival_ns;
}

void InaFabric::start_iteration(Job& job) {
  job.chunks.assign(static_cast<std::size_t>(job.packets), Chunk{});
  job.workers.assign(static_cast<std::size_t>(job.spec.workers), Worker{});
  job.acked_low = 0;
  job.acked = 0;
  policy_.on_iteration_start(*this, job.spec.id);
  job.window = std::max<std::int64_t>(1, policy_.window_packets(*this, job.spec.id));
  for (std::int32_t w = 0; w < job.spec.workers; ++w) {
    const double stretch = 1.0 + transport_.compute_jitter * jitter_rng_.uniform01();
    const TimeNs compute =
        static_cast<TimeNs>(std::llround(static_cast<double>(job.spec.compute_ns) * stretch));
    sim_.schedule_after(compute, *this, kComputeDone, pack(job.spec.id, w, 0));
  }
}

// Sends what the window allows, back to back at line rate; a lost packet reaches the switch one
// retransmission timeout later per loss (the worker resends it; its port time is not charged
// again).
void InaFabric::pump(Job& job, std::int32_t w) {
  Worker& worker = job.workers[static_cast<std::size_t>(w)];
  if (!worker.ready) return;
  const std::int64_t limit = std::min(job.packets, job.acked_low + job.window);
  for (; worker.next < limit; ++worker.next) {
    const std::int64_t c = worker.next;
    job.chunks[static_cast<std::size_t>(c)].expected_sum +=
        gradient_value(job.spec.id, w, job.iteration, c);
    worker.port_free_ns = std::max(worker.port_free_ns, sim_.now()) + packet_ns_;
    TimeNs at_switch = worker.port_free_ns + link_ns_ + pipeline_ns_;
    while (transport_.loss_rate > 0 && loss_rng_.uniform01() < transport_.loss_rate) {
      at_switch += transport_.retransmit_timeout_ns;
      ++job.record.retransmissions;
    }
    sim_.schedule_at(at_switch, *this, kPacketAtSwitch, pack(job.spec.id, w, c));
  }
}

void InaFabric::on_result(Job& job, std::int64_t c) {
  if (!count_result(job, c, observer_)) {
    for (std::int32_t w = 0; w < job.spec.workers; ++w) pump(job, w);
    return;
  }
  if (next_iteration(job, sim_, policy_, observer_, finished_)) start_iteration(job);
}

void InaFabric::report_unfinished() {
  for (const Job& j : jobs_)
    if (j.record.finish_ns < 0) observer_.on_job_unfinished(j.record);
}

}  // namespace xpusim::systems
