// The switch and parameter-server side of the INA fabric: slot placement, aggregation,
// preemption, fallback and acknowledgements.
#include <algorithm>

#include "xpusim/core/error.hpp"
#include "xpusim/systems/ina_fabric.hpp"

namespace xpusim::systems {

using policy::SlotAction;
using policy::SlotState;

namespace {

std::uint64_t pack_chunk(std::int32_t job, std::int64_t chunk) {
  return (static_cast<std::uint64_t>(job) << 48) | static_cast<std::uint64_t>(chunk);
}

}  // namespace

void InaFabric::on_packet(Job& job, std::int32_t worker, std::int64_t c) {
  Chunk& chunk = job.chunks[static_cast<std::size_t>(c)];
  if (chunk.site == Site::Unplaced) place(job, c);
  const std::int64_t value = gradient_value(job.spec.id, worker, job.iteration, c);
  if (chunk.site == Site::Switch) {
    if (slots_.add(chunk.slot, value) == job.spec.workers) complete_in_switch(job, c);
    return;
  }
  ++job.record.fallback_packets;
  to_server(job, c, value, 1);
}

// The first packet of a chunk decides where the whole chunk is aggregated (docs/ina.md).
void InaFabric::place(Job& job, std::int64_t c) {
  Chunk& chunk = job.chunks[static_cast<std::size_t>(c)];
  const policy::SlotDecision d = policy_.place(*this, {job.spec.id, global_chunk(job, c)});
  switch (d.action) {
    case SlotAction::Preempt:
      evict(d.slot);
      [[fallthrough]];
    case SlotAction::Claim:
      slots_.claim(d.slot, job.spec.id, global_chunk(job, c));
      chunk.site = Site::Switch;
      chunk.slot = d.slot;
      slots_changed();
      return;
    case SlotAction::Fallback:
      chunk.site = Site::Server;
      return;
  }
}

// Frees `slot` for a preempting chunk. A partial aggregate travels to its job's parameter
// server as one packet and the rest of that chunk follows it there; a complete aggregate has
// already left, so only its pending acknowledgement loses the slot.
void InaFabric::evict(std::int64_t slot) {
  const policy::SlotHolder h = slots_.holder(slot);
  XPUSIM_CHECK(h.state != SlotState::Free, "preempted a free slot");
  if (h.state == SlotState::Aggregating) {
    Job& victim = jobs_[static_cast<std::size_t>(h.job)];
    const std::int64_t c = h.chunk - static_cast<std::int64_t>(victim.iteration) * victim.packets;
    XPUSIM_CHECK(c >= 0 && c < victim.packets,
                 "an aggregating slot holds a chunk of a past iteration");
    Chunk& chunk = victim.chunks[static_cast<std::size_t>(c)];
    chunk.site = Site::Server;
    chunk.slot = -1;
    ++victim.record.evicted_partials;
    victim.record.evicted_contributions += h.contributions;
    const std::int64_t partial = slots_.sum(slot);
    slots_.release(slot);
    to_server(victim, c, partial, h.contributions);
  } else {
    slots_.release(slot);
  }
  slots_changed();
}

void InaFabric::complete_in_switch(Job& job, std::int64_t c) {
  Chunk& chunk = job.chunks[static_cast<std::size_t>(c)];
  chunk.in_switch = true;
  const std::int64_t sum = slots_.sum(chunk.slot);
  if (!policy_.release_on_ack()) {
    // SwitchML: the switch multicasts the result and reuses the slot at once.
    slots_.release(chunk.slot);
    slots_changed();
    chunk.final_sum = sum;
    sim_.schedule_after(packet_ns_ + link_ns_, *this, kResultAtWorkers, pack_chunk(job.spec.id, c));
    return;
  }
  // ATP: the aggregate goes on to the parameter server; the slot waits for the server's result.
  slots_.mark_complete(chunk.slot);
  slots_changed();
  to_server(job, c, sum, job.spec.workers);
}

// One packet (a worker's contribution, a partial or a complete aggregate) crosses the server's
// port, which serves packets in arrival order at line rate. When the server holds every worker's
// contribution it sends the result back through the switch.
void InaFabric::to_server(Job& job, std::int64_t c, std::int64_t sum, std::int32_t count) {
  Chunk& chunk = job.chunks[static_cast<std::size_t>(c)];
  job.server_port_free_ns = std::max(job.server_port_free_ns, sim_.now()) + packet_ns_;
  chunk.server_ready_ns = std::max(chunk.server_ready_ns, job.server_port_free_ns + link_ns_);
  chunk.server_sum += sum;
  chunk.server_count += count;
  XPUSIM_CHECK(chunk.server_count <= job.spec.workers,
               "a chunk got more contributions than workers");
  if (chunk.server_count < job.spec.workers) return;
  chunk.final_sum = chunk.server_sum;
  const TimeNs ack_at = chunk.server_ready_ns + packet_ns_ + link_ns_ + pipeline_ns_;
  sim_.schedule_at(ack_at, *this, kAckAtSwitch, pack_chunk(job.spec.id, c));
}

// The server's result passes the switch: it frees the chunk's slot if the chunk still holds it
// (ESA may have handed it on) and is multicast to the workers.
void InaFabric::on_ack(Job& job, std::int64_t c) {
  const Chunk& chunk = job.chunks[static_cast<std::size_t>(c)];
  if (chunk.in_switch &&
      slots_.holds(chunk.slot, job.spec.id, global_chunk(job, c), SlotState::Complete)) {
    slots_.release(chunk.slot);
    slots_changed();
  }
  sim_.schedule_after(packet_ns_ + link_ns_, *this, kResultAtWorkers, pack_chunk(job.spec.id, c));
}

void InaFabric::slots_changed() {
  observer_.on_slots_changed(sim_.now(), slots_.occupied(), slots_.aggregating());
}

}  // namespace xpusim::systems
