#include "xpusim/systems/cluster.hpp"

#include "xpusim/core/error.hpp"
#include "xpusim/systems/migration_coordinator.hpp"

namespace xpusim::systems {

Cluster::Cluster(Simulator& sim, std::unique_ptr<workload::RequestSource> source,
                 std::unique_ptr<policy::Router> router, ServingObserver& observer)
    : sim_(sim), source_(std::move(source)), router_(std::move(router)), observer_(observer) {}

void Cluster::add_instance(std::unique_ptr<ServingInstance> instance) {
  instances_.push_back(std::move(instance));
}

void Cluster::start() {
  XPUSIM_CHECK(!instances_.empty(), "cluster without instances");
  schedule_next_arrival();
}

double Cluster::kv_used_fraction(std::size_t i) const {
  const KvBlockPool& kv = instances_[i]->kv();
  return static_cast<double>(kv.allocated()) / static_cast<double>(kv.total());
}

void Cluster::schedule_next_arrival() {
  next_ = source_->next();
  if (!next_) return;
  // Sources guarantee non-decreasing arrivals; a request stamped before now (possible only if
  // a source broke that promise) is an input error the source reports, so this is a check.
  XPUSIM_CHECK(next_->arrival_ns >= sim_.now(), "request source went back in time");
  sim_.schedule_at(next_->arrival_ns, *this);
}

void Cluster::on_event(std::uint32_t, std::uint64_t) {
  workload::Request request = std::move(*next_);
  next_.reset();
  ++arrived_;
  observer_.on_arrival(request, sim_.now());
  const policy::RouteRequest route{request.prompt_tokens, request.output_tokens, request.tenant,
                                   &request.prefix_hashes};
  const std::size_t target = router_->choose_instance(*this, route);
  XPUSIM_CHECK(target < instances_.size(), "router chose a non-existent instance");
  instances_[target]->enqueue(std::move(request), sim_.now());
  if (migration_) migration_->wake();
  schedule_next_arrival();
}

}  // namespace xpusim::systems
