#pragma once
// Serving instances behind a router, fed by a request source. Arrivals are pulled from the
// source one at a time (one pending arrival event), so a trace of any length streams.
#include <memory>
#include <vector>

#include "xpusim/core/simulator.hpp"
#include "xpusim/policy/routing/router.hpp"
#include "xpusim/systems/arrival_feed.hpp"
#include "xpusim/systems/serving_instance.hpp"
#include "xpusim/workload/request_source.hpp"

namespace xpusim::systems {

class MigrationCoordinator;

class Cluster final : public ArrivalSink, public policy::RoutingView {
 public:
  Cluster(Simulator& sim, std::unique_ptr<workload::RequestSource> source,
          std::unique_ptr<policy::Router> router, ServingObserver& observer);

  void add_instance(std::unique_ptr<ServingInstance> instance);
  // Live migration between the instances (optional); woken at every arrival.
  void set_migration(MigrationCoordinator& migration) { migration_ = &migration; }
  // Schedules the first arrival; call once before Simulator::run.
  void start();

  const std::vector<std::unique_ptr<ServingInstance>>& instances() const { return instances_; }
  const workload::RequestSource& source() const { return feed_.source(); }
  std::uint64_t arrived() const { return feed_.arrived(); }

  // policy::RoutingView
  std::size_t instance_count() const override { return instances_.size(); }
  std::int64_t outstanding(std::size_t i) const override { return instances_[i]->outstanding(); }
  double kv_used_fraction(std::size_t i) const override;

  // ArrivalSink: routes the request to an instance.
  void on_request_arrival(workload::Request&& request, TimeNs now) override;

 private:
  ArrivalFeed feed_;
  std::unique_ptr<policy::Router> router_;
  ServingObserver& observer_;
  std::vector<std::unique_ptr<ServingInstance>> instances_;
  MigrationCoordinator* migration_ = nullptr;
};

}  // namespace xpusim::systems
