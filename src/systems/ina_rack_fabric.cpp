// The job side of the multi-rack INA fabric: arrivals, iterations, worker windows (with ATP's
// congestion control) and results. The switch and PS side is in ina_rack_fabric_switch.cpp.
#include "xpusim/systems/ina_rack_fabric.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "xpusim/core/error.hpp"
#include "xpusim/systems/ina_job_progress.hpp"
#include "xpusim/systems/ina_fabric.hpp"

namespace xpusim::systems {

namespace {

std::vector<std::int32_t> worker_counts(const std::vector<workload::TrainingJob>& jobs) {
  std::vector<std::int32_t> out;
  for (const auto& j : jobs) out.push_back(j.workers);
  return out;
}

std::uint64_t pack(std::int32_t job, std::int32_t source, std::int64_t chunk) {
  return (static_cast<std::uint64_t>(job) << 48) | (static_cast<std::uint64_t>(source) << 32) |
         static_cast<std::uint64_t>(chunk);
}

}  // namespace

InaRackFabric::InaRackFabric(Wiring w, const hw::SwitchSpec& sw, const InaNetworkConfig& net,
                             const workload::TrainingTransport& transport,
                             std::vector<workload::TrainingJob> jobs, std::uint64_t seed)
    : sim_(w.sim),
      policy_(w.policy),
      observer_(w.observer),
      switch_(sw),
      config_(net),
      transport_(transport),
      net_(sw, net, worker_counts(jobs), transport.retransmit_timeout_ns),
      slots_(static_cast<std::size_t>(net.racks), AggregatorSlots(sw.aggregator_slots())),
      loss_rng_(seed, "ina.loss"),
      jitter_rng_(seed, "ina.compute_jitter") {
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    jobs_.push_back(new_job<Job>(jobs[i], i, sw, 1 << 15));
    setup_racks(jobs_.back());
  }
}

// Groups a job's workers by rack: those in the PS's rack send straight to level 2.
void InaRackFabric::setup_racks(Job& job) {
  const std::int32_t id = job.spec.id;
  job.workers.assign(static_cast<std::size_t>(job.spec.workers), Worker{});
  for (std::int32_t w = 0; w < job.spec.workers; ++w) {
    const std::int32_t rack = net_.worker_rack(id, w);
    job.result_ns = std::max(
        job.result_ns, net_.unqueued_ns(net_.tor_node(ps_rack(job)), net_.worker_node(id, w)));
    if (rack == ps_rack(job)) continue;
    const auto it = std::find(job.part_rack.begin(), job.part_rack.end(), rack);
    if (it == job.part_rack.end()) {
      job.part_rack.push_back(rack);
      job.part_fanin.push_back(0);
    }
    const auto idx =
        std::find(job.part_rack.begin(), job.part_rack.end(), rack) - job.part_rack.begin();
    job.workers[static_cast<std::size_t>(w)].part = static_cast<std::int32_t>(idx);
    ++job.part_fanin[static_cast<std::size_t>(idx)];
  }
}

// The PS's rack switch first (when it aggregates: two_level, or every worker is in its rack),
// then the worker racks in the order of part_rack.
std::vector<std::int32_t> InaRackFabric::aggregating_racks(const Job& job) const {
  std::vector<std::int32_t> out;
  if (config_.two_level || job.part_rack.empty()) out.push_back(ps_rack(job));
  out.insert(out.end(), job.part_rack.begin(), job.part_rack.end());
  return out;
}

std::int64_t InaRackFabric::total_slots() const {
  std::int64_t n = 0;
  for (const auto& s : slots_) n += s.count();
  return n;
}

void InaRackFabric::start() {
  for (const Job& j : jobs_)
    sim_.schedule_at(j.spec.arrival_ns, *this, kArrive, pack(j.spec.id, 0, 0));
}

void InaRackFabric::on_event(std::uint32_t tag, std::uint64_t payload) {
  Job& job = jobs_[static_cast<std::size_t>(payload >> 48)];
  const auto source = static_cast<std::int32_t>((payload >> 32) & 0xffff);
  const auto chunk = static_cast<std::int64_t>(payload & 0xffffffffu);
  switch (tag) {
    case kArrive:
      start_iteration(job);
      break;
    case kComputeDone:
      job.workers[static_cast<std::size_t>(source)].ready = true;
      pump(job, source);
      break;
    case kPacketAtRack:
      on_packet_at_rack(job, source, chunk);
      break;
    case kPacketAtPsRack:
      on_packet_at_ps_rack(job, source, chunk);
      break;
    case kAckAtPsRack:
      on_ack(job, chunk);
      break;
    case kResultAtRack:
      on_result_at_rack(job, source, chunk);
      break;
    case kResultAtWorkers:
      on_result(job, chunk);
      break;
    default:
      XPUSIM_CHECK(false, "unknown INA event");
  }
}

double InaRackFabric::remaining_bytes(std::int32_t id) const {
  const Job& j = at(id);
  const std::int64_t later =
      static_cast<std::int64_t>(j.spec.iterations - j.iteration - 1) * j.packets;
  return static_cast<double>(later + j.packets - j.acked) *
         static_cast<double>(switch_.payload_bytes());
}

void InaRackFabric::start_iteration(Job& job) {
  Chunk blank;
  blank.racks.assign(job.part_rack.size(), RackPart{});
  job.chunks.assign(static_cast<std::size_t>(job.packets), blank);
  for (Worker& w : job.workers) {
    w.ready = false;
    w.next = 0;
  }
  job.acked_low = 0;
  job.acked = 0;
  // Every switch that aggregates the job's chunks is told (static pools are handed out per
  // switch); the window is the smallest any of them allows.
  std::int64_t base = std::numeric_limits<std::int64_t>::max();
  for (const std::int32_t rack : aggregating_racks(job)) {
    policy_.on_iteration_start(RackView(*this, rack), job.spec.id);
    base = std::min(base, policy_.window_packets(RackView(*this, rack), job.spec.id));
  }
  base = std::max<std::int64_t>(1, base);
  if (config_.congestion_control && !job.cc)
    job.cc.emplace(AimdWindow::Config{base, 1, base, config_.window_increase_packets});
  job.window = job.cc ? job.cc->window() : base;
  for (std::int32_t w = 0; w < job.spec.workers; ++w) {
    const double stretch = 1.0 + transport_.compute_jitter * jitter_rng_.uniform01();
    const TimeNs compute =
        static_cast<TimeNs>(std::llround(static_cast<double>(job.spec.compute_ns) * stretch));
    sim_.schedule_after(compute, *this, kComputeDone, pack(job.spec.id, w, 0));
  }
}

// Sends what the window allows over the worker's port; a lost packet reaches its rack switch
// one retransmission timeout later per loss, and a loss counts as congestion (ATP).
void InaRackFabric::pump(Job& job, std::int32_t w) {
  Worker& worker = job.workers[static_cast<std::size_t>(w)];
  if (!worker.ready) return;
  const std::int32_t id = job.spec.id;
  const std::int64_t limit = std::min(job.packets, job.acked_low + job.window);
  for (; worker.next < limit; ++worker.next) {
    const std::int64_t c = worker.next;
    Chunk& chunk = job.chunks[static_cast<std::size_t>(c)];
    chunk.expected_sum += InaFabric::gradient_value(id, w, job.iteration, c);
    TimeNs arrive = net_.send(net_.worker_node(id, w), net_.tor_node(net_.worker_rack(id, w)),
                              sim_.now(), chunk.marked);
    while (transport_.loss_rate > 0 && loss_rng_.uniform01() < transport_.loss_rate) {
      arrive += transport_.retransmit_timeout_ns;
      ++job.record.retransmissions;
      if (job.cc) job.cc->on_loss();
    }
    sim_.schedule_at(arrive, *this, kPacketAtRack, pack(id, w, c));
  }
}

void InaRackFabric::on_result(Job& job, std::int64_t c) {
  const bool complete = count_result(job, c, observer_);
  if (job.cc) {
    job.cc->on_result(job.chunks[static_cast<std::size_t>(c)].marked);
    job.window = job.cc->window();
  }
  if (!complete) {
    for (std::int32_t w = 0; w < job.spec.workers; ++w) pump(job, w);
    return;
  }
  if (next_iteration(job, sim_, policy_, observer_, finished_)) start_iteration(job);
}

void InaRackFabric::report_unfinished() {
  for (const Job& j : jobs_)
    if (j.record.finish_ns < 0) observer_.on_job_unfinished(j.record);
}

}  // namespace xpusim::systems
