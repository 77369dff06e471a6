#pragma once
// Priority scheduling's order over a serving instance's requests (instance.preempt_for_priority):
// who outranks whom when a waiting or swapped request asks for room that running requests hold.
//
// Contract: a request's rank is its own priority (larger = more important), or, with
// `reprioritize_every` = N > 0 (FastSwitch's fairness-driven preemption), minus the service the
// fairness policy had counted for its tenant at the last re-prioritisation, which happens every
// N iterations (the first before the first iteration). A tenant first met between two
// re-prioritisations is ranked by its service when met. `a` outranks `b` when its rank is
// larger, or equal and it arrived earlier, or both equal and its id is smaller (vLLM's
// (priority, arrival_time) key), so the order is total and the same on every run.
#include <cstdint>
#include <functional>
#include <vector>

#include "xpusim/workload/request.hpp"

namespace xpusim::systems {

class PriorityOrder {
 public:
  struct Config {
    bool on = false;                     // instance.preempt_for_priority
    std::int64_t reprioritize_every = 0;  // instance.reprioritize_every (0: requests' own)
  };
  // The fairness policy's service counter by tenant (WaitingQueue::service).
  using ServiceOf = std::function<double(std::int32_t)>;

  PriorityOrder() = default;
  PriorityOrder(Config config, ServiceOf service) : config_(config), service_(std::move(service)) {}

  bool on() const { return config_.on; }
  bool fairness_driven() const { return config_.on && config_.reprioritize_every > 0; }

  double rank(const workload::Request& r) const;
  bool outranks(const workload::Request& a, const workload::Request& b) const;

  // An iteration is about to be planned; true when the ranks were recomputed for it (then
  // queues ordered by rank must be re-sorted).
  bool begin_iteration();
  std::int64_t reprioritizations() const { return reprioritizations_; }

 private:
  Config config_;
  ServiceOf service_;
  std::int64_t iterations_ = 0;
  std::int64_t reprioritizations_ = 0;
  mutable std::vector<double> tenant_rank_;  // by tenant index; valid where known_
  mutable std::vector<bool> known_;
};

}  // namespace xpusim::systems
