// Instance failures in a colocated cluster: routing around failed instances, re-queueing or
// losing their requests (docs/faults.md).
#include <algorithm>

#include "xpusim/core/error.hpp"
#include "xpusim/systems/cluster.hpp"
#include "xpusim/systems/migration_coordinator.hpp"
#include "xpusim/systems/up_instances_view.hpp"

namespace xpusim::systems {

RequestRecord lost_record(const workload::Request& r, int instance) {
  RequestRecord rec;
  rec.id = r.id;
  rec.instance = instance;
  rec.prompt_tokens = r.prompt_tokens;
  rec.output_tokens = r.output_tokens;
  rec.tenant = r.tenant;
  rec.priority = r.priority;
  rec.session = r.session;
  rec.followup = r.expects_followup;
  rec.ttft_slo_s = r.ttft_slo_s;
  rec.tpot_slo_s = r.tpot_slo_s;
  rec.arrival_ns = r.arrival_ns;
  rec.outcome = RequestOutcome::Lost;
  return rec;
}

void Cluster::route(workload::Request&& request, TimeNs now) {
  const auto pick = route_among_up(*this, up_.list(), *router_, request);
  if (!pick) {
    parked_.push_back(std::move(request));
    return;
  }
  instances_[*pick]->enqueue(std::move(request), now);
  if (migration_) migration_->wake();
}

void Cluster::renumber_up() {
  up_.renumber(instances_.size(), [&](std::size_t i) {
    return instances_[i]->down() || (i < withheld_.size() && withheld_[i]);
  });
  for (std::size_t k = 0; k < up_.list().size(); ++k) router_->on_load_changed(k);
}

void Cluster::fail_instance(std::size_t i, TimeNs now, bool requeue) {
  XPUSIM_CHECK(i < instances_.size() && !instances_[i]->down(), "failing an instance that is down");
  std::vector<workload::Request> held = instances_[i]->fail(now);
  if (migration_) {
    // Requests stopped for their final migration round had left the instance already.
    for (auto& r : migration_->on_instance_failed(i, now)) held.push_back(std::move(r));
    std::sort(held.begin(), held.end(), [](const workload::Request& a, const workload::Request& b) {
      return a.arrival_ns != b.arrival_ns ? a.arrival_ns < b.arrival_ns : a.id < b.id;
    });
  }
  ++down_count_;
  renumber_up();
  const auto count = static_cast<std::int64_t>(held.size());
  observer_.on_instance_down(static_cast<int>(i), now, requeue ? count : 0, requeue ? 0 : count);
  for (auto& r : held) {
    if (requeue) {
      route(std::move(r), now);
      continue;
    }
    observer_.on_request_done(lost_record(r, static_cast<int>(i)));
  }
}

void Cluster::recover_instance(std::size_t i, TimeNs now) {
  XPUSIM_CHECK(i < instances_.size() && instances_[i]->down(), "recovering an instance that is up");
  instances_[i]->recover(now);
  --down_count_;
  renumber_up();
  observer_.on_instance_up(static_cast<int>(i), now);
  std::deque<workload::Request> waiting;
  waiting.swap(parked_);
  for (auto& r : waiting) route(std::move(r), now);
}

}  // namespace xpusim::systems
