#include "xpusim/policy/fairness/vtc.hpp"

#include <algorithm>
#include <functional>
#include <iterator>

namespace xpusim::policy {

const ParamBinding<VtcFairness::Config>& VtcFairness::binding() {
  static const auto b =
      ParamBinding<Config>()
          .real(XPUSIM_KEY(Config, input_weight), "",
                "price of one prompt token in the counter (w_p)", {.min = 0})
          .real(XPUSIM_KEY(Config, output_weight), "",
                "price of one output token in the counter (w_q)", {.min = 0})
          .boolean(XPUSIM_KEY(Config, lift),
                   "lift a returning tenant's counter to the least backlogged one; false = the "
                   "artifact's LCF baseline, which lets a returning tenant claim its idle time");
  return b;
}

double VtcFairness::counter(std::int32_t t) const {
  return t >= 0 && static_cast<std::size_t>(t) < counter_.size()
             ? counter_[static_cast<std::size_t>(t)]
             : 0.0;
}

double VtcFairness::admission_charge(const FairRequest& r) const {
  // A request re-admitted after a recompute preemption was charged when first admitted.
  if (r.readmission) return 0;
  return config_.input_weight * static_cast<double>(r.input_tokens) / weights_.weight(r.tenant);
}

VtcFairness::Key VtcFairness::key_of(std::int32_t t) const {
  const auto u = static_cast<std::size_t>(t);
  return {counter_[u], rank_[u]};
}

std::set<VtcFairness::Key>::iterator VtcFairness::skip_idle(std::set<Key>::iterator it,
                                                            const FairnessView& view) const {
  while (it != backlog_.end()) {
    const std::int32_t t = order_[it->second];
    if (view.waiting_of(t) > 0) break;
    in_backlog_[static_cast<std::size_t>(t)] = false;
    it = backlog_.erase(it);
  }
  return it;
}

void VtcFairness::on_enqueued(const FairRequest& r, std::size_t waiting_before,
                              const FairnessView& view) {
  const auto u = static_cast<std::size_t>(r.tenant);
  slot(r.tenant);
  if (!known_[u]) {
    known_[u] = true;
    rank_[u] = static_cast<std::uint32_t>(order_.size());
    order_.push_back(r.tenant);
  }
  if (in_backlog_[u]) backlog_.erase(key_of(r.tenant));
  in_backlog_[u] = false;
  if (waiting_before == 0 && config_.lift) {
    // Counter lift: max(own, min over the other backlogged tenants) — the first entry of
    // backlog_ (the tenant itself is out of it here) whose tenant has requests waiting.
    const auto lowest = skip_idle(backlog_.begin(), view);
    if (lowest != backlog_.end()) counter_[u] = std::max(counter_[u], lowest->first);
  }
  backlog_.insert(key_of(r.tenant));
  in_backlog_[u] = true;
}

// The linear argmin of the artifact (least counter, ties to the first-arrived tenant; each
// pick charged before the next) as a merge of two ordered sequences: backlog_ in order (each
// tenant's first pick) and a heap of the tenants already picked, with their charged counters.
void VtcFairness::admission_order(const FairnessView& view, TimeNs, std::size_t limit,
                                  std::vector<std::int32_t>& order) const {
  struct Picked {
    Key key;
    std::size_t next;  // its next waiting request
    bool operator>(const Picked& o) const { return key > o.key; }
  };
  std::vector<Picked> heap;  // min-heap by key
  auto it = skip_idle(backlog_.begin(), view);
  while (order.size() < limit) {
    const bool from_set = it != backlog_.end() && (heap.empty() || *it < heap.front().key);
    if (!from_set && heap.empty()) break;
    Picked p;
    if (from_set) {
      p = {*it, 0};
      it = skip_idle(std::next(it), view);
    } else {
      std::pop_heap(heap.begin(), heap.end(), std::greater<>());
      p = heap.back();
      heap.pop_back();
    }
    const std::int32_t t = order_[p.key.second];
    order.push_back(t);
    p.key.first += admission_charge(view.waiting_request(t, p.next));
    if (++p.next < view.waiting_of(t)) {
      heap.push_back(p);
      std::push_heap(heap.begin(), heap.end(), std::greater<>());
    }
  }
}

double& VtcFairness::slot(std::int32_t tenant) {
  const auto u = static_cast<std::size_t>(tenant);
  if (u >= counter_.size()) {
    counter_.resize(u + 1, 0.0);
    known_.resize(u + 1, false);
    rank_.resize(u + 1, 0);
    in_backlog_.resize(u + 1, false);
  }
  return counter_[u];
}

void VtcFairness::charge(std::int32_t tenant, double amount) {
  const auto u = static_cast<std::size_t>(tenant);
  slot(tenant);
  if (!in_backlog_[u]) {
    counter_[u] += amount;
    return;
  }
  // Re-keying keeps the node (no allocation): extract, change, insert back.
  auto node = backlog_.extract(key_of(tenant));
  counter_[u] += amount;
  node.value().first = counter_[u];
  backlog_.insert(std::move(node));
}

void VtcFairness::on_admitted(const FairRequest& r, bool, TimeNs) {
  charge(r.tenant, admission_charge(r));
}

// (A decode-only instance sees tokens of tenants that never queued there.)
void VtcFairness::on_output_tokens(std::int32_t tenant, std::int64_t count, TimeNs) {
  charge(tenant, config_.output_weight * static_cast<double>(count) / weights_.weight(tenant));
}

}  // namespace xpusim::policy
