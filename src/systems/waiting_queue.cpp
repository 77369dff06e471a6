#include "xpusim/systems/waiting_queue.hpp"

#include <algorithm>
#include <limits>

#include "xpusim/core/error.hpp"
#include "xpusim/policy/fairness/fcfs.hpp"

namespace xpusim::systems {

WaitingQueue::WaitingQueue(std::unique_ptr<policy::FairnessPolicy> policy)
    : policy_(policy ? std::move(policy) : std::make_unique<policy::FcfsFairness>()),
      arrival_order_(policy_->arrival_order()) {
  if (!arrival_order_) by_tenant_.resize(1);
}

policy::FairRequest WaitingQueue::describe(const workload::Request& r, bool readmission) {
  policy::FairRequest f;
  f.id = r.id;
  f.tenant = std::max<std::int32_t>(r.tenant, 0);
  f.input_tokens = r.prompt_tokens;
  f.output_tokens = r.output_tokens;
  f.arrival_ns = r.arrival_ns;
  f.priority = r.priority;
  f.readmission = readmission;
  return f;
}

bool WaitingQueue::accept(const policy::FairRequest& r, TimeNs now) {
  now_ = now;
  return policy_->accept(r, *this, now);
}

std::deque<WaitingQueue::Entry>& WaitingQueue::tenant_queue(std::int32_t tenant) {
  const auto t = static_cast<std::size_t>(tenant);
  if (t >= by_tenant_.size()) by_tenant_.resize(t + 1);
  return by_tenant_[t];
}

bool WaitingQueue::before(const Entry& a, const Entry& b) const {
  if (priority_order_ && a.request.priority != b.request.priority)
    return a.request.priority > b.request.priority;
  return program_order_ ? a.program_ns < b.program_ns : a.request.arrival_ns < b.request.arrival_ns;
}

// Behind the last entry that goes ahead of it (ties keep arrival order); the scan from the tail
// is short when, as usual, most waiting requests go ahead of a new one.
void WaitingQueue::insert_arrival(std::deque<Entry>& queue, Entry entry) const {
  if (!program_order_ && !priority_order_) return queue.push_back(std::move(entry));
  auto it = queue.end();
  while (it != queue.begin() && before(entry, *std::prev(it))) --it;
  queue.insert(it, std::move(entry));
}

void WaitingQueue::push_back(std::uint32_t seq, const policy::FairRequest& r, TimeNs program_ns) {
  const std::size_t before = waiting_of(r.tenant);
  Entry e{seq, r, program_ns >= 0 ? program_ns : r.arrival_ns};
  insert_arrival(single() ? all_ : tenant_queue(r.tenant), std::move(e));
  ++size_;
  count(r.tenant, +1);
  invalidate();
  policy_->on_enqueued(r, before, *this);
}

void WaitingQueue::push_front(std::uint32_t seq, const policy::FairRequest& r) {
  const std::size_t before = waiting_of(r.tenant);
  const Entry e{seq, r, std::numeric_limits<TimeNs>::min()};  // ahead of every arrival
  auto& queue = single() ? all_ : tenant_queue(r.tenant);
  // Under priority order it queues by (priority, arrival) like any request, as vLLM re-sorts
  // its waiting queue after a priority preemption.
  if (priority_order_)
    insert_arrival(queue, e);
  else
    queue.push_front(e);
  ++size_;
  count(r.tenant, +1);
  invalidate();
  policy_->on_enqueued(r, before, *this);
}

std::size_t WaitingQueue::waiting_of(std::int32_t tenant) const {
  const auto t = static_cast<std::size_t>(tenant);
  return t < counts_.size() ? counts_[t] : 0;
}

void WaitingQueue::count(std::int32_t tenant, int delta) {
  const auto t = static_cast<std::size_t>(tenant);
  if (t >= counts_.size()) counts_.resize(t + 1, 0);
  counts_[t] = static_cast<std::size_t>(static_cast<std::int64_t>(counts_[t]) + delta);
}

const policy::FairRequest& WaitingQueue::waiting_request(std::int32_t tenant, std::size_t k) const {
  if (single()) {
    for (const Entry& e : all_)
      if (e.request.tenant == tenant && k-- == 0) return e.request;
    throw Error("waiting_request: tenant has fewer waiting requests");
  }
  return by_tenant_.at(static_cast<std::size_t>(tenant)).at(k).request;
}

// Computes the policy's order for at least `needed` more requests (doubling, so a batching
// policy walking the queue costs amortised O(1) policy calls per request it looks at).
void WaitingQueue::extend_order(std::size_t needed) const {
  const std::size_t have = order_seqs_.size() - order_head_;
  if (have >= needed) return;
  const std::size_t limit = std::min(size_, std::max<std::size_t>(2 * needed, 8));
  order_.clear();
  order_seqs_.clear();
  order_head_ = 0;
  policy_->admission_order(*this, now_, limit, order_);
  XPUSIM_CHECK(order_.size() == limit, "fairness policy ordered fewer requests than are waiting");
  // Each ordered tenant's next request; only the tenants met are reset (O(limit), not
  // O(tenants)), at the start so that the positions are all zero whatever happened last time.
  for (const std::size_t u : scratch_touched_) scratch_pos_[u] = 0;
  scratch_touched_.clear();
  if (scratch_pos_.size() < by_tenant_.size()) scratch_pos_.resize(by_tenant_.size(), 0);
  for (const std::int32_t t : order_) {
    const auto u = static_cast<std::size_t>(t);
    XPUSIM_CHECK(u < by_tenant_.size() && scratch_pos_[u] < by_tenant_[u].size(),
                 "fairness policy ordered more requests than a tenant has waiting");
    if (scratch_pos_[u] == 0) scratch_touched_.push_back(u);
    order_seqs_.push_back(by_tenant_[u][scratch_pos_[u]++].seq);
  }
}

std::uint32_t WaitingQueue::at(std::size_t i) const {
  XPUSIM_CHECK(i < size_, "waiting queue index out of range");
  if (single()) return all_[i].seq;
  extend_order(i + 1);
  return order_seqs_[order_head_ + i];
}

WaitingQueue::Entry WaitingQueue::take_front() {
  XPUSIM_CHECK(size_ > 0, "taking from an empty waiting queue");
  if (single()) {
    --size_;
    Entry e = all_.front();
    all_.pop_front();
    count(e.request.tenant, -1);
    return e;
  }
  // Ordered while the request taken still counts (with no cached order and one request left,
  // an order of size_ - 1 = 0 requests would have nothing to take).
  extend_order(1);
  --size_;
  auto& q = by_tenant_[static_cast<std::size_t>(order_[order_head_])];
  Entry e = q.front();
  q.pop_front();
  count(e.request.tenant, -1);
  // The rest of the cached order assumed this admission, so it stays valid.
  ++order_head_;
  return e;
}

std::uint32_t WaitingQueue::admit_front(TimeNs now) {
  now_ = now;
  const Entry e = take_front();
  policy_->on_admitted(e.request, !e.request.readmission, now);
  return e.seq;
}

std::uint32_t WaitingQueue::drop_front() {
  const Entry e = take_front();
  invalidate();  // the order assumed it would be admitted (and charged)
  return e.seq;
}

void WaitingQueue::clear() {
  all_.clear();
  for (auto& q : by_tenant_) q.clear();
  std::fill(counts_.begin(), counts_.end(), 0);
  size_ = 0;
  invalidate();
}

void WaitingQueue::on_output_tokens(std::int32_t tenant, std::int64_t count, TimeNs now) {
  now_ = now;
  policy_->on_output_tokens(tenant, count, now);
  if (!single()) invalidate();
}

bool WaitingQueue::consistent() const {
  std::size_t counted = 0;
  for (const std::size_t c : counts_) counted += c;
  if (counted != size_) return false;
  if (single()) return all_.size() == size_;
  std::size_t queued = 0;
  for (std::size_t t = 0; t < by_tenant_.size(); ++t) {
    if (by_tenant_[t].size() != (t < counts_.size() ? counts_[t] : 0)) return false;
    queued += by_tenant_[t].size();
  }
  return queued == size_;
}

void WaitingQueue::on_finished(const policy::FairRequest& r, TimeNs now) {
  policy_->on_finished(r, now);
  if (!single()) invalidate();
}

}  // namespace xpusim::systems
