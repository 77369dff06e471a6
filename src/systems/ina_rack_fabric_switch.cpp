// The switch and parameter-server side of the multi-rack INA fabric: level-1 aggregation at
// the workers' rack switches, level-2 at the PS's rack switch, preemption, fallback and the
// result's way back (each level frees the slot it still holds as the result passes).
#include <algorithm>

#include "xpusim/core/error.hpp"
#include "xpusim/systems/ina_fabric.hpp"
#include "xpusim/systems/ina_rack_fabric.hpp"

namespace xpusim::systems {

using policy::SlotAction;
using policy::SlotState;

namespace {

constexpr std::int32_t kPartialFlag = 0x8000;  // source field: a level-1 partial, not a worker

std::uint64_t pack(std::int32_t job, std::int32_t source, std::int64_t chunk) {
  return (static_cast<std::uint64_t>(job) << 48) | (static_cast<std::uint64_t>(source) << 32) |
         static_cast<std::uint64_t>(chunk);
}

}  // namespace

// Asks the policy for `rack`'s switch; returns the slot taken, or -1 (not aggregated there).
std::int64_t InaRackFabric::place(Job& job, std::int64_t c, std::int32_t rack) {
  const policy::SlotDecision d =
      policy_.place(RackView(*this, rack), {job.spec.id, global_chunk(job, c)});
  if (d.action == SlotAction::Fallback) return -1;
  if (d.action == SlotAction::Preempt) evict(rack, d.slot);
  slots_[static_cast<std::size_t>(rack)].claim(d.slot, job.spec.id, global_chunk(job, c));
  slots_changed();
  return d.slot;
}

void InaRackFabric::on_packet_at_rack(Job& job, std::int32_t w, std::int64_t c) {
  const std::int32_t part = job.workers[static_cast<std::size_t>(w)].part;
  const std::int64_t value = InaFabric::gradient_value(job.spec.id, w, job.iteration, c);
  if (part < 0) {  // the worker sits in the PS's rack: this switch is level 2
    aggregate_at_ps_rack(job, c, value, 1);
    return;
  }
  RackPart& p = job.chunks[static_cast<std::size_t>(c)].racks[static_cast<std::size_t>(part)];
  const std::int32_t rack = job.part_rack[static_cast<std::size_t>(part)];
  if (p.site == Site::Unplaced) {
    p.slot = place(job, c, rack);
    p.site = p.slot >= 0 ? Site::Switch : Site::Forward;
  }
  if (p.site == Site::Forward) {
    forward_to_ps_rack(job, c, part, w);
    return;
  }
  AggregatorSlots& pool = slots_[static_cast<std::size_t>(rack)];
  if (pool.add(p.slot, value) < job.part_fanin[static_cast<std::size_t>(part)]) return;
  // Level 1 complete: its partial leaves; the slot waits for the result (ATP).
  p.completed = true;
  p.partial_sum = pool.sum(p.slot);
  p.partial_count = job.part_fanin[static_cast<std::size_t>(part)];
  pool.mark_complete(p.slot);
  slots_changed();
  forward_to_ps_rack(job, c, part, kPartialFlag | part);
}

// One packet from a worker rack switch over the spine to the PS's rack switch: worker `source`'s
// own packet, or (kPartialFlag | part) that rack's partial (partial_sum, partial_count).
void InaRackFabric::forward_to_ps_rack(Job& job, std::int64_t c, std::int32_t part,
                                       std::int32_t source) {
  Chunk& chunk = job.chunks[static_cast<std::size_t>(c)];
  const TimeNs arrive = net_.send(net_.tor_node(job.part_rack[static_cast<std::size_t>(part)]),
                                  net_.tor_node(ps_rack(job)), sim_.now(), chunk.marked);
  sim_.schedule_at(arrive, *this, kPacketAtPsRack, pack(job.spec.id, source, c));
}

void InaRackFabric::on_packet_at_ps_rack(Job& job, std::int32_t source, std::int64_t c) {
  ++job.spine_packets;
  if ((source & kPartialFlag) == 0) {
    aggregate_at_ps_rack(job, c, InaFabric::gradient_value(job.spec.id, source, job.iteration, c),
                         1);
    return;
  }
  const RackPart& p = job.chunks[static_cast<std::size_t>(c)]
                          .racks[static_cast<std::size_t>(source & ~kPartialFlag)];
  aggregate_at_ps_rack(job, c, p.partial_sum, p.partial_count);
}

// Level 2: `count` contributions summing to `sum` reach the PS's rack switch in one packet.
void InaRackFabric::aggregate_at_ps_rack(Job& job, std::int64_t c, std::int64_t sum,
                                         std::int32_t count) {
  Chunk& chunk = job.chunks[static_cast<std::size_t>(c)];
  const std::int32_t rack = ps_rack(job);
  if (chunk.site == Site::Unplaced) {
    chunk.slot = config_.two_level || job.part_rack.empty() ? place(job, c, rack) : -1;
    chunk.site = chunk.slot >= 0 ? Site::Switch : Site::Forward;
  }
  if (chunk.site == Site::Forward) {
    job.record.fallback_packets += count;
    to_server(job, c, sum, count);
    return;
  }
  AggregatorSlots& pool = slots_[static_cast<std::size_t>(rack)];
  if (pool.add(chunk.slot, sum, count) < job.spec.workers) return;
  chunk.in_switch = true;
  const std::int64_t total = pool.sum(chunk.slot);
  if (!policy_.release_on_ack()) {
    // SwitchML: the switch sends the result down itself and reuses the slot at once.
    pool.release(chunk.slot);
    slots_changed();
    chunk.final_sum = total;
    send_result_down(job, c);
    return;
  }
  pool.mark_complete(chunk.slot);
  slots_changed();
  to_server(job, c, total, job.spec.workers);
}

// Frees `slot` of `rack`'s switch for a preempting chunk. A level-1 partial moves on to level 2
// (and the rest of its rack's packets follow it unaggregated); a level-2 partial goes to the PS.
// A complete slot's aggregate has already left: only its pending result loses the slot.
void InaRackFabric::evict(std::int32_t rack, std::int64_t slot) {
  AggregatorSlots& pool = slots_[static_cast<std::size_t>(rack)];
  const policy::SlotHolder h = pool.holder(slot);
  XPUSIM_CHECK(h.state != SlotState::Free, "preempted a free slot");
  if (h.state == SlotState::Complete) {
    pool.release(slot);
    slots_changed();
    return;
  }
  Job& victim = at(h.job);
  const std::int64_t c = h.chunk - static_cast<std::int64_t>(victim.iteration) * victim.packets;
  XPUSIM_CHECK(c >= 0 && c < victim.packets,
               "an aggregating slot holds a chunk of a past iteration");
  Chunk& chunk = victim.chunks[static_cast<std::size_t>(c)];
  const std::int64_t partial = pool.sum(slot);
  pool.release(slot);
  slots_changed();
  ++victim.record.evicted_partials;
  if (rack == ps_rack(victim)) {
    chunk.site = Site::Forward;
    chunk.slot = -1;
    victim.record.evicted_contributions += h.contributions;
    to_server(victim, c, partial, h.contributions);
    return;
  }
  const auto part = static_cast<std::int32_t>(
      std::find(victim.part_rack.begin(), victim.part_rack.end(), rack) - victim.part_rack.begin());
  RackPart& p = chunk.racks[static_cast<std::size_t>(part)];
  p.site = Site::Forward;
  p.slot = -1;
  p.partial_sum = partial;
  p.partial_count = h.contributions;
  forward_to_ps_rack(victim, c, part, kPartialFlag | part);
}

// One packet crosses the PS's port (its rack switch's egress queue towards the PS). When the PS
// holds every worker's contribution its result goes back through the PS's rack switch.
void InaRackFabric::to_server(Job& job, std::int64_t c, std::int64_t sum, std::int32_t count) {
  Chunk& chunk = job.chunks[static_cast<std::size_t>(c)];
  const int ps = net_.ps_node(job.spec.id);
  const TimeNs arrive = net_.send(net_.tor_node(ps_rack(job)), ps, sim_.now(), chunk.marked);
  chunk.server_ready_ns = std::max(chunk.server_ready_ns, arrive);
  chunk.server_sum += sum;
  chunk.server_count += count;
  XPUSIM_CHECK(chunk.server_count <= job.spec.workers,
               "a chunk got more contributions than workers");
  if (chunk.server_count < job.spec.workers) return;
  chunk.final_sum = chunk.server_sum;
  const TimeNs ack_at = chunk.server_ready_ns + net_.unqueued_ns(ps, net_.tor_node(ps_rack(job)));
  sim_.schedule_at(ack_at, *this, kAckAtPsRack, pack(job.spec.id, 0, c));
}

void InaRackFabric::on_ack(Job& job, std::int64_t c) {
  const Chunk& chunk = job.chunks[static_cast<std::size_t>(c)];
  AggregatorSlots& pool = slots_[static_cast<std::size_t>(ps_rack(job))];
  if (chunk.in_switch &&
      pool.holds(chunk.slot, job.spec.id, global_chunk(job, c), SlotState::Complete)) {
    pool.release(chunk.slot);
    slots_changed();
  }
  send_result_down(job, c);
}

void InaRackFabric::send_result_down(Job& job, std::int64_t c) {
  const Chunk& chunk = job.chunks[static_cast<std::size_t>(c)];
  const int from = net_.tor_node(ps_rack(job));
  for (std::size_t part = 0; part < job.part_rack.size(); ++part)
    if (chunk.racks[part].completed)
      sim_.schedule_after(net_.unqueued_ns(from, net_.tor_node(job.part_rack[part])), *this,
                          kResultAtRack, pack(job.spec.id, static_cast<std::int32_t>(part), c));
  sim_.schedule_after(job.result_ns, *this, kResultAtWorkers, pack(job.spec.id, 0, c));
}

void InaRackFabric::on_result_at_rack(Job& job, std::int32_t part, std::int64_t c) {
  const RackPart& p = job.chunks[static_cast<std::size_t>(c)].racks[static_cast<std::size_t>(part)];
  AggregatorSlots& pool =
      slots_[static_cast<std::size_t>(job.part_rack[static_cast<std::size_t>(part)])];
  if (p.slot >= 0 && pool.holds(p.slot, job.spec.id, global_chunk(job, c), SlotState::Complete)) {
    pool.release(p.slot);
    slots_changed();
  }
}

void InaRackFabric::slots_changed() {
  std::int64_t occupied = 0, aggregating = 0;
  for (const auto& s : slots_) {
    occupied += s.occupied();
    aggregating += s.aggregating();
  }
  observer_.on_slots_changed(sim_.now(), occupied, aggregating);
}

}  // namespace xpusim::systems
