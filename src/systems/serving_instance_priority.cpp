// Priority scheduling in a serving instance (instance.preempt_for_priority; docs/serving.md,
// "Priority scheduling and preemption"): vLLM v0's _schedule_priority_preemption over the
// batching policy's plan, and FastSwitch's periodic re-prioritisation by fairness.
#include <algorithm>

#include "xpusim/core/error.hpp"
#include "xpusim/systems/serving_instance.hpp"

namespace xpusim::systems {

std::uint32_t ServingInstance::running_victim(std::size_t i) const {
  if (!prio_.on()) return table_.newest_running(i);
  XPUSIM_CHECK(i < by_priority_.size(), "running victim index out of range");
  return by_priority_[by_priority_.size() - 1 - i];
}

void ServingInstance::push_swapped(std::uint32_t s) {
  auto& swapped = table_.swapped();
  if (!prio_.on()) return swapped.push_back(s);
  // Behind every swapped sequence that outranks it.
  auto it = swapped.end();
  while (it != swapped.begin() && prio_.outranks(table_[s].request, table_[*std::prev(it)].request))
    --it;
  swapped.insert(it, s);
}

std::size_t ServingInstance::outranking_swapped() const {
  const auto& swapped = table_.swapped();
  if (table_.waiting().empty()) return swapped.size();
  const workload::Request& head = table_[table_.waiting().front()].request;
  std::size_t n = 0;
  while (n < swapped.size() && prio_.outranks(table_[swapped[n]].request, head)) ++n;
  return n;
}

void ServingInstance::plan(TimeNs now) {
  if (!prio_.on()) return policy_->plan_iteration(*this, plan_);
  if (prio_.begin_iteration()) {
    // Ranks moved: the swapped queue is re-sorted (the running set is sorted below).
    std::stable_sort(table_.swapped().begin(), table_.swapped().end(),
                     [&](std::uint32_t a, std::uint32_t b) {
                       return prio_.outranks(table_[a].request, table_[b].request);
                     });
  }
  by_priority_.clear();
  for (std::uint32_t s = table_.oldest_running(); s != Sequence::kNone; s = table_[s].next)
    by_priority_.push_back(s);
  std::sort(by_priority_.begin(), by_priority_.end(), [&](std::uint32_t a, std::uint32_t b) {
    return prio_.outranks(table_[a].request, table_[b].request);
  });
  visible_swapped_ = outranking_swapped();
  policy_->plan_iteration(*this, plan_);
  preempt_for_priority(now);
}

// The first in line (the first swapped sequence the policy sees, else the head of the waiting
// queue) is taken when the plan swaps it in or admits it. Until it is, the lowest-ranked
// running sequence it outranks is preempted (swapped out or recomputed as the policy preempts)
// and the iteration re-planned; the first in line then runs in this iteration (vLLM admits it
// in the next one: its priority pass runs after the prefill pass).
void ServingInstance::preempt_for_priority(TimeNs now) {
  for (;;) {
    const bool from_swap = visible_swapped_ > 0;
    if (!from_swap && table_.waiting().empty()) return;
    if (from_swap ? plan_.swap_in > 0 : plan_.admit > 0) return;
    if (by_priority_.empty()) return;
    const std::uint32_t first = from_swap ? table_.swapped().front() : table_.waiting().front();
    const std::uint32_t victim = by_priority_.back();
    if (!prio_.outranks(table_[first].request, table_[victim].request)) return;
    by_priority_.pop_back();
    preempt(victim, plan_.swap_out, now);
    visible_swapped_ = outranking_swapped();
    policy_->plan_iteration(*this, plan_);
  }
}

}  // namespace xpusim::systems
