#include "xpusim/hw/link_fabric.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "xpusim/core/error.hpp"
#include "xpusim/hw/fluid_timing.hpp"

namespace xpusim::hw {
namespace {

constexpr std::uint32_t kTagLatency = 0;
constexpr std::uint32_t kTagDone = 1;

}  // namespace

LinkFabric::LinkFabric(Simulator& sim, const Topology& topology)
    : sim_(sim), topology_(topology), link_load_(topology.edge_count(), 0), last_update_(sim.now()) {}

const std::vector<int>& LinkFabric::cached_route(int from, int to) {
  const auto key = std::make_pair(from, to);
  auto it = routes_.find(key);
  if (it == routes_.end()) it = routes_.emplace(key, topology_.route(from, to)).first;
  return it->second;
}

std::uint32_t LinkFabric::take_slot() {
  if (free_.empty()) {
    transfers_.emplace_back();
    return static_cast<std::uint32_t>(transfers_.size() - 1);
  }
  const std::uint32_t index = free_.back();
  free_.pop_back();
  return index;
}

void LinkFabric::start(int from, int to, double bytes, TransferListener& listener,
                       std::uint64_t cookie) {
  XPUSIM_CHECK(bytes >= 0, "transfer of negative bytes");
  // Links may be added after the fabric was built (the topology grows as instances are made).
  if (link_load_.size() < topology_.edge_count()) link_load_.resize(topology_.edge_count(), 0);
  const std::vector<int>& route = cached_route(from, to);
  const std::uint32_t index = take_slot();
  Transfer& t = transfers_[index];
  t.remaining_bytes = route.empty() ? 0.0 : bytes;  // a node never waits on itself
  t.rate = 0;
  t.route = &route;
  t.listener = &listener;
  t.cookie = cookie;
  t.live = true;
  t.flowing = false;
  ++active_count_;
  const TimeNs latency = seconds_to_ns(topology_.route_latency_s(route));
  t.done_event = sim_.schedule_at(sim_.now() + latency, *this, kTagLatency, pack_slot(index, t.generation));
}

void LinkFabric::on_event(std::uint32_t tag, std::uint64_t payload) {
  const auto index = static_cast<std::uint32_t>(payload & 0xffffffffULL);
  const auto generation = static_cast<std::uint32_t>(payload >> 32);
  XPUSIM_CHECK(index < transfers_.size() && transfers_[index].live &&
                   transfers_[index].generation == generation,
               "stale link-fabric event");
  advance_to(sim_.now());
  if (tag == kTagLatency) begin_flow(index);
  else complete(index);
}

void LinkFabric::begin_flow(std::uint32_t index) {
  Transfer& t = transfers_[index];
  if (t.remaining_bytes <= 0) return complete(index);
  t.flowing = true;
  for (const int e : *t.route) ++link_load_[static_cast<std::size_t>(e)];
  reschedule();
}

void LinkFabric::complete(std::uint32_t index) {
  Transfer& t = transfers_[index];
  if (t.flowing)
    for (const int e : *t.route) --link_load_[static_cast<std::size_t>(e)];
  TransferListener* listener = t.listener;
  const std::uint64_t cookie = t.cookie;
  const bool was_flowing = t.flowing;
  t.live = t.flowing = false;
  t.listener = nullptr;
  ++t.generation;  // events naming the old occupant become stale
  free_.push_back(index);
  --active_count_;
  if (was_flowing) reschedule();
  // Told last, with the fabric consistent, so the listener may start the next transfer.
  listener->on_transfer_done(cookie, sim_.now());
}

void LinkFabric::advance_to(TimeNs now) {
  XPUSIM_CHECK(now >= last_update_, "link fabric advanced backwards");
  const double dt = ns_to_seconds(now - last_update_);
  last_update_ = now;
  if (dt == 0) return;
  for (Transfer& t : transfers_)
    if (t.live && t.flowing) t.remaining_bytes = std::max(0.0, t.remaining_bytes - t.rate * dt);
}

void LinkFabric::set_link_down(int edge, bool down) {
  XPUSIM_CHECK(edge >= 0 && static_cast<std::size_t>(edge) + 1 < topology_.edge_count(),
               "no such link");
  advance_to(sim_.now());  // bytes moved so far at the old rates
  // The topology may have grown since the fabric was made (links added later).
  if (link_load_.size() < topology_.edge_count()) link_load_.resize(topology_.edge_count(), 0);
  link_down_.resize(topology_.edge_count(), 0);
  link_down_[static_cast<std::size_t>(edge)] = down ? 1 : 0;
  link_down_[static_cast<std::size_t>(edge) + 1] = down ? 1 : 0;  // full duplex: both ways
  reschedule();
}

void LinkFabric::reschedule() {
  const TimeNs now = sim_.now();
  // With a link down, the transfers stalled on it take no share of their other links: count
  // only the moving ones (this walk happens only while some link is down).
  const bool any_down = std::find(link_down_.begin(), link_down_.end(), 1) != link_down_.end();
  const std::vector<int>* load = &link_load_;
  if (any_down) {
    moving_load_.assign(link_load_.size(), 0);
    for (const Transfer& t : transfers_) {
      if (!t.live || !t.flowing) continue;
      if (std::any_of(t.route->begin(), t.route->end(), [&](int e) { return link_down(e); })) continue;
      for (const int e : *t.route) ++moving_load_[static_cast<std::size_t>(e)];
    }
    load = &moving_load_;
  }
  for (std::uint32_t i = 0; i < transfers_.size(); ++i) {
    Transfer& t = transfers_[i];
    if (!t.live || !t.flowing) continue;
    double rate = std::numeric_limits<double>::infinity();
    for (const int e : *t.route)
      rate = std::min(rate, link_down(e) ? 0.0
                                         : topology_.link(e).bandwidth_bytes_per_s /
                                               (*load)[static_cast<std::size_t>(e)]);
    if (rate == 0) {  // stalled on a failed link: no completion until it is back
      t.rate = 0;
      sim_.cancel(t.done_event);
      continue;
    }
    // Same rate as before: the pending completion is still right; leave it.
    if (rate == t.rate && sim_.pending(t.done_event)) continue;
    t.rate = rate;
    sim_.cancel(t.done_event);
    const TimeNs delay = whole_ns(t.remaining_bytes / rate * 1e9);
    t.done_event = sim_.schedule_at(now + delay, *this, kTagDone, pack_slot(i, t.generation));
  }
}

}  // namespace xpusim::hw
