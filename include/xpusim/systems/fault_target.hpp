#pragma once
// What the fault injector fails and repairs: a cluster of serving instances, co-located or
// disaggregated, numbered as the scenario numbers them (docs/faults.md).
#include <cstddef>

#include "xpusim/core/time.hpp"
#include "xpusim/systems/serving_records.hpp"
#include "xpusim/workload/request.hpp"

namespace xpusim::systems {

// Contract: fail_instance(i) takes instance i down with everything it holds (KV, swap space,
// prefix cache, transfers and migrations from or to it); the requests it held are re-routed
// to instances that are up (requeue) or published as lost, exactly once each.
// recover_instance(i) brings it back empty. Calls for one instance alternate, fail first.
class FaultTarget {
 public:
  virtual ~FaultTarget() = default;
  virtual std::size_t fault_domains() const = 0;  // instances that can fail
  virtual void fail_instance(std::size_t i, TimeNs now, bool requeue) = 0;
  virtual void recover_instance(std::size_t i, TimeNs now) = 0;
};

// The record of a request lost with instance `instance`.
RequestRecord lost_record(const workload::Request& request, int instance);

}  // namespace xpusim::systems
