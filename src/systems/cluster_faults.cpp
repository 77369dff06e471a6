// Instance failures in a colocated cluster: routing around failed instances, re-queueing or
// losing their requests (docs/faults.md).
#include "xpusim/core/error.hpp"
#include "xpusim/systems/cluster.hpp"

namespace xpusim::systems {

namespace {

// The router sees only the instances that are up, renumbered 0..n-1, so every routing policy
// skips failed instances without knowing about faults.
class UpInstancesView final : public policy::RoutingView {
 public:
  UpInstancesView(const policy::RoutingView& all, std::vector<std::size_t> up)
      : all_(all), up_(std::move(up)) {}
  std::size_t instance_count() const override { return up_.size(); }
  std::int64_t outstanding(std::size_t i) const override { return all_.outstanding(up_[i]); }
  double kv_used_fraction(std::size_t i) const override { return all_.kv_used_fraction(up_[i]); }
  std::size_t to_cluster(std::size_t i) const { return up_.at(i); }

 private:
  const policy::RoutingView& all_;
  std::vector<std::size_t> up_;
};

}  // namespace

void Cluster::route(workload::Request&& request, TimeNs now) {
  std::vector<std::size_t> up;
  for (std::size_t i = 0; i < instances_.size(); ++i)
    if (!instances_[i]->down()) up.push_back(i);
  if (up.empty()) {
    parked_.push_back(std::move(request));
    return;
  }
  const UpInstancesView view(*this, std::move(up));
  const policy::RouteRequest route{request.prompt_tokens, request.output_tokens, request.tenant,
                                   &request.prefix_hashes};
  const std::size_t pick = router_->choose_instance(view, route);
  XPUSIM_CHECK(pick < view.instance_count(), "router chose a non-existent instance");
  instances_[view.to_cluster(pick)]->enqueue(std::move(request), now);
}

void Cluster::fail_instance(std::size_t i, TimeNs now, bool requeue) {
  XPUSIM_CHECK(i < instances_.size() && !instances_[i]->down(), "failing an instance that is down");
  XPUSIM_CHECK(migration_ == nullptr, "faults are not modelled together with live migration");
  std::vector<workload::Request> held = instances_[i]->fail(now);
  ++down_count_;
  const auto count = static_cast<std::int64_t>(held.size());
  observer_.on_instance_down(static_cast<int>(i), now, requeue ? count : 0, requeue ? 0 : count);
  for (auto& r : held) {
    if (requeue) {
      route(std::move(r), now);
      continue;
    }
    RequestRecord rec;
    rec.id = r.id;
    rec.instance = static_cast<int>(i);
    rec.prompt_tokens = r.prompt_tokens;
    rec.output_tokens = r.output_tokens;
    rec.tenant = r.tenant;
    rec.priority = r.priority;
    rec.ttft_slo_s = r.ttft_slo_s;
    rec.tpot_slo_s = r.tpot_slo_s;
    rec.arrival_ns = r.arrival_ns;
    rec.outcome = RequestOutcome::Lost;
    observer_.on_request_done(rec);
  }
}

void Cluster::recover_instance(std::size_t i, TimeNs now) {
  XPUSIM_CHECK(i < instances_.size() && instances_[i]->down(), "recovering an instance that is up");
  instances_[i]->recover(now);
  --down_count_;
  observer_.on_instance_up(static_cast<int>(i), now);
  std::deque<workload::Request> waiting;
  waiting.swap(parked_);
  for (auto& r : waiting) route(std::move(r), now);
}

}  // namespace xpusim::systems
