// Instance failures in a disaggregated cluster: routing around failed instances, ending the
// KV transfers from or to a failed instance, re-queueing or losing its requests
// (docs/faults.md).
#include <algorithm>

#include "xpusim/core/error.hpp"
#include "xpusim/systems/disaggregated_cluster.hpp"
#include "xpusim/systems/up_instances_view.hpp"

namespace xpusim::systems {

void DisaggregatedCluster::route(workload::Request&& request, TimeNs now) {
  const auto pick = route_among_up(*this, prefill_up_.list(), *router_, request);
  if (!pick) {
    parked_.push_back(std::move(request));
    return;
  }
  prefill_[*pick]->enqueue(std::move(request), now);
}

void DisaggregatedCluster::renumber_prefill() {
  prefill_up_.renumber(prefill_.size(), [&](std::size_t i) { return prefill_[i]->down(); });
  for (std::size_t k = 0; k < prefill_up_.list().size(); ++k) router_->on_load_changed(k);
}

void DisaggregatedCluster::renumber_decode() {
  decode_up_.renumber(decode_.size(), [&](std::size_t j) { return decode_[j]->down(); });
  if (decode_index_.size() == decode_.size())  // built by start()
    for (std::size_t j = 0; j < decode_.size(); ++j) decode_index_.set(j, decode_load(j));
  if (router_->places_decode())
    for (std::size_t k = 0; k < decode_up_.list().size(); ++k) router_->on_decode_load_changed(k);
}

void DisaggregatedCluster::fail_instance(std::size_t i, TimeNs now, bool requeue) {
  XPUSIM_CHECK(i < fault_domains() && !instance(i).down(), "failing an instance that is down");
  const bool is_prefill = i < prefill_.size();
  std::vector<workload::Request> held = instance(i).fail(now);
  // Transfers from a failed prefill instance lose their source; those to a failed decode
  // instance their destination (the prefill side, up, frees what it held for them).
  for (std::uint32_t slot = 0; slot < transfers_.size(); ++slot) {
    Transfer& t = transfers_[slot];
    if (!t.live || t.cancelled) continue;
    const bool from_here = is_prefill && static_cast<std::size_t>(t.handoff.prefill_instance) == i;
    const bool to_here = !is_prefill && t.decode == i - prefill_.size();
    if (!from_here && !to_here) continue;
    t.cancelled = true;
    --inbound_[t.decode];
    decode_changed(t.decode);
    --in_flight_;
    if (to_here)
      prefill_[static_cast<std::size_t>(t.handoff.prefill_instance)]->release_handoff(
          t.handoff.prefill_slot, now);
    held.push_back(std::move(t.handoff.request));
  }
  if (is_prefill) {  // prefilled requests parked with their KV on this instance
    for (auto it = parked_handoffs_.begin(); it != parked_handoffs_.end();) {
      if (static_cast<std::size_t>(it->prefill_instance) != i) {
        ++it;
        continue;
      }
      held.push_back(std::move(it->request));
      it = parked_handoffs_.erase(it);
    }
  }
  std::sort(held.begin(), held.end(), [](const workload::Request& a, const workload::Request& b) {
    return a.arrival_ns != b.arrival_ns ? a.arrival_ns < b.arrival_ns : a.id < b.id;
  });
  ++(is_prefill ? prefill_down_ : decode_down_);
  if (is_prefill) renumber_prefill();
  else renumber_decode();
  const auto count = static_cast<std::int64_t>(held.size());
  observer_.on_instance_down(static_cast<int>(i), now, requeue ? count : 0, requeue ? 0 : count);
  for (auto& r : held) {
    if (requeue) route(std::move(r), now);
    else observer_.on_request_done(lost_record(r, static_cast<int>(i)));
  }
}

void DisaggregatedCluster::recover_instance(std::size_t i, TimeNs now) {
  XPUSIM_CHECK(i < fault_domains() && instance(i).down(), "recovering an instance that is up");
  instance(i).recover(now);
  const bool is_prefill = i < prefill_.size();
  --(is_prefill ? prefill_down_ : decode_down_);
  if (is_prefill) renumber_prefill();
  else renumber_decode();
  observer_.on_instance_up(static_cast<int>(i), now);
  if (is_prefill) {
    std::deque<workload::Request> waiting;
    waiting.swap(parked_);
    for (auto& r : waiting) route(std::move(r), now);
    return;
  }
  std::deque<Handoff> waiting;
  waiting.swap(parked_handoffs_);
  for (auto& h : waiting) start_transfer(std::move(h), now);
}

}  // namespace xpusim::systems
