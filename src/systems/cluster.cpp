#include "xpusim/systems/cluster.hpp"

#include <spdlog/spdlog.h>

#include "xpusim/core/error.hpp"
#include "xpusim/systems/autoscaler.hpp"
#include "xpusim/systems/migration_coordinator.hpp"

namespace xpusim::systems {

Cluster::Cluster(Simulator& sim, std::unique_ptr<workload::RequestSource> source,
                 std::unique_ptr<policy::Router> router, ServingObserver& observer)
    : feed_(sim, std::move(source), *this), router_(std::move(router)), observer_(observer) {}

void Cluster::add_instance(std::unique_ptr<ServingInstance> instance,
                           policy::InstanceCapacity capacity) {
  instance->set_load_listener(*this, instances_.size());
  instances_.push_back(std::move(instance));
  capacity_.push_back(capacity);
}

void Cluster::set_migration(MigrationCoordinator& migration) {
  migration_ = &migration;
  migration.report_load_changes();
}

void Cluster::on_load_changed(std::size_t slot) {
  if (migration_) migration_->on_load_changed(slot);
  if (all_routable()) return router_->on_load_changed(slot);
  const std::size_t k = up_.position(slot);
  if (k != UpInstances::kDown) router_->on_load_changed(k);
}

void Cluster::start() {
  XPUSIM_CHECK(!instances_.empty(), "cluster without instances");
  feed_.start();
}

double Cluster::kv_used_fraction(std::size_t i) const {
  const KvBlockPool& kv = instances_[i]->kv();
  return static_cast<double>(kv.allocated()) / static_cast<double>(kv.total());
}

void Cluster::on_request_arrival(workload::Request&& request, TimeNs now) {
  observer_.on_arrival(request, now);
  if (autoscaler_) autoscaler_->wake();
  if (!all_routable()) return route(std::move(request), now);
  const policy::RouteRequest route{request.prompt_tokens, request.output_tokens, request.tenant,
                                   &request.prefix_hashes};
  const std::size_t target = router_->choose_instance(*this, route);
  XPUSIM_CHECK(target < instances_.size(), "router chose a non-existent instance");
  // -vv: one line per routing decision; should_log keeps the hot path free of formatting.
  if (spdlog::should_log(spdlog::level::debug))
    spdlog::debug("router: request {} -> instance {} (t={} ns)", request.id, target, now);
  instances_[target]->enqueue(std::move(request), now);
  if (migration_) migration_->wake();
}

}  // namespace xpusim::systems
