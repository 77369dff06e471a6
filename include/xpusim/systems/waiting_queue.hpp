#pragma once
// The waiting requests of a serving instance, in the order a fairness policy admits them.
// Arrival-order policies (fcfs, rpm_limit) keep one queue; the others keep one FIFO per tenant
// and ask the policy for the admission order, computed lazily for as far as the batching
// policy looks and reused until the queue or the policy's counters change.
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "xpusim/policy/fairness/fairness_policy.hpp"
#include "xpusim/workload/request.hpp"

namespace xpusim::systems {

class WaitingQueue final : public policy::FairnessView {
 public:
  // A null policy means fcfs.
  explicit WaitingQueue(std::unique_ptr<policy::FairnessPolicy> policy);

  static policy::FairRequest describe(const workload::Request& request, bool readmission);

  // Admission control at arrival (false: the request is rejected and never queued).
  bool accept(const policy::FairRequest& request, TimeNs now);
  // Program-level FCFS (instance.queue_order: program, Continuum): an arrival queues behind
  // every request of a program that arrived no later than its own program (`program_ns`, its
  // session's first arrival; -1: its own arrival) instead of at the tail; within a tenant's
  // queue when the policy keeps one per tenant. Preempted requests stay at the front.
  void set_program_order(bool on) { program_order_ = on; }
  // Priority order (instance.preempt_for_priority, vLLM's priority scheduling): every request,
  // arrival or preempted, queues by (priority, larger first; then arrival, or its program's
  // arrival under program order), within its tenant's queue when the policy keeps one per tenant.
  void set_priority_order(bool on) { priority_order_ = on; }
  // The service the fairness policy has counted for `tenant` (FairnessPolicy::service).
  double service(std::int32_t tenant) const { return policy_->service(tenant); }
  void push_back(std::uint32_t seq, const policy::FairRequest& request,
                 TimeNs program_ns = -1);                                  // an arrival
  void push_front(std::uint32_t seq, const policy::FairRequest& request);  // a preempted request
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  // The i-th request in admission order (0 = next admitted).
  std::uint32_t at(std::size_t i) const;
  std::uint32_t front() const { return at(0); }
  // Removes the next request and tells the policy it was admitted.
  std::uint32_t admit_front(TimeNs now);
  // Removes the next request without admitting it (it is rejected).
  std::uint32_t drop_front();
  // Forgets every waiting request (the instance failed; they were handed back). The policy's
  // counters stay: service already given is not undone.
  void clear();
  // Counter updates that may reorder admission.
  void on_output_tokens(std::int32_t tenant, std::int64_t count, TimeNs now);
  void on_finished(const policy::FairRequest& request, TimeNs now);
  // Per-tenant counts and queues agree with the size (invariant walk).
  bool consistent() const;

  // policy::FairnessView
  std::size_t waiting_of(std::int32_t tenant) const override;
  const policy::FairRequest& waiting_request(std::int32_t tenant, std::size_t k) const override;

 private:
  struct Entry {
    std::uint32_t seq;
    policy::FairRequest request;
    TimeNs program_ns = 0;  // program-order key
  };
  void insert_arrival(std::deque<Entry>& queue, Entry entry) const;
  bool before(const Entry& a, const Entry& b) const;  // a goes ahead of b (ordered queues)
  bool single() const { return by_tenant_.empty(); }
  std::deque<Entry>& tenant_queue(std::int32_t tenant);
  void extend_order(std::size_t needed) const;
  void invalidate() {
    order_.clear();
    order_seqs_.clear();
    order_head_ = 0;
  }
  Entry take_front();
  void count(std::int32_t tenant, int delta);

  std::unique_ptr<policy::FairnessPolicy> policy_;
  bool arrival_order_;
  bool program_order_ = false;
  bool priority_order_ = false;
  std::deque<Entry> all_;                     // arrival-order policies
  std::vector<std::deque<Entry>> by_tenant_;  // the others (empty vector = single queue)
  std::size_t size_ = 0;
  std::vector<std::size_t> counts_;  // waiting requests by tenant
  TimeNs now_ = 0;
  // Cached admission order: tenants and their requests' sequence slots; entries before
  // order_head_ have been admitted since it was computed.
  mutable std::vector<std::int32_t> order_;
  mutable std::vector<std::uint32_t> order_seqs_;
  mutable std::size_t order_head_ = 0;
  // extend_order's position in each tenant's queue (zero outside the tenants it touched).
  mutable std::vector<std::size_t> scratch_pos_;
  mutable std::vector<std::size_t> scratch_touched_;
};

}  // namespace xpusim::systems
