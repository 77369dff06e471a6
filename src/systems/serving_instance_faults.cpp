// Failure and recovery of a serving instance (docs/faults.md).
#include <algorithm>

#include "xpusim/core/error.hpp"
#include "xpusim/systems/serving_instance.hpp"

namespace xpusim::systems {

std::vector<workload::Request> ServingInstance::fail(TimeNs now) {
  const LoadNotice notice(*this);
  XPUSIM_CHECK(!down_, "instance failed twice");
  if (busy_) {
    memory_.abort(iter_op_);  // the iteration's work is lost with the device
    busy_ = false;
  }
  for (auto& d : devices_) d->set_idle(now);
  std::vector<workload::Request> held;
  for (Sequence& q : table_.slots()) {
    // A handed-off sequence's request travels with its KV transfer (the cluster returns it).
    if (q.state == SeqState::Free || q.state == SeqState::HandedOff) continue;
    held.push_back(std::move(q.request));
  }
  // The pool's slot order depends on reuse history; arrival order (then id) does not.
  std::sort(held.begin(), held.end(), [](const workload::Request& a, const workload::Request& b) {
    return a.arrival_ns != b.arrival_ns ? a.arrival_ns < b.arrival_ns : a.id < b.id;
  });
  // Forget every sequence: epochs move on so that no stale heap entry can match a reused slot.
  table_.clear();
  decode_.clear();
  pending_prefill_tokens_ = 0;
  queued_prompt_blocks_ = 0;
  iter_prefills_.clear();
  kv_.lose_all();  // device blocks, cached blocks (both tiers), swap space, transfers
  down_ = true;
  if constexpr (kXpusimInvariants) check_invariants();
  return held;
}

void ServingInstance::recover(TimeNs /*now*/) {
  const LoadNotice notice(*this);
  XPUSIM_CHECK(down_, "recovering an instance that is up");
  down_ = false;
}

}  // namespace xpusim::systems
