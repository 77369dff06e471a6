#pragma once
// Serving instances behind a router, fed by a request source. Arrivals are pulled from the
// source one at a time (one pending arrival event), so a trace of any length streams.
#include <deque>
#include <memory>
#include <vector>

#include "xpusim/core/simulator.hpp"
#include "xpusim/policy/routing/router.hpp"
#include "xpusim/systems/arrival_feed.hpp"
#include "xpusim/systems/fault_target.hpp"
#include "xpusim/systems/load_listener.hpp"
#include "xpusim/systems/serving_instance.hpp"
#include "xpusim/systems/up_instances.hpp"
#include "xpusim/workload/request_source.hpp"

namespace xpusim::systems {

class Autoscaler;
class MigrationCoordinator;

// Routes through itself as the RoutingView; its instances report every load change to it
// (LoadListener), which it passes to the router, so load-based routers keep an index.
class Cluster final : public ArrivalSink,
                      public policy::RoutingView,
                      public FaultTarget,
                      public LoadListener {
 public:
  Cluster(Simulator& sim, std::unique_ptr<workload::RequestSource> source,
          std::unique_ptr<policy::Router> router, ServingObserver& observer);

  // `capacity` is what capacity-aware routers weigh the instance by (mixed hardware).
  void add_instance(std::unique_ptr<ServingInstance> instance, policy::InstanceCapacity capacity = {});
  // Live migration between the instances (optional); woken at every arrival and told of every
  // load change.
  void set_migration(MigrationCoordinator& migration);
  // Auto-scaling (optional); woken at every arrival.
  void set_autoscaler(Autoscaler& autoscaler) { autoscaler_ = &autoscaler; }
  // Schedules the first arrival; call once before Simulator::run.
  void start();

  const std::vector<std::unique_ptr<ServingInstance>>& instances() const { return instances_; }
  const workload::RequestSource& source() const { return feed_.source(); }
  std::uint64_t arrived() const { return feed_.arrived(); }
  // Subscribe it to the serving records so closed-loop sources hear when requests end.
  ArrivalFeed& feed() { return feed_; }

  // policy::RoutingView
  std::size_t instance_count() const override { return instances_.size(); }
  std::int64_t outstanding(std::size_t i) const override { return instances_[i]->outstanding(); }
  double kv_used_fraction(std::size_t i) const override;
  std::int64_t free_kv_blocks(std::size_t i) const override { return instances_[i]->free_blocks(); }
  std::int64_t queued_prompt_blocks(std::size_t i) const override {
    return instances_[i]->queued_prompt_blocks();
  }
  std::int64_t high_priority_requests(std::size_t i) const override {
    return instances_[i]->high_priority_outstanding();
  }
  policy::InstanceCapacity capacity(std::size_t i) const override { return capacity_[i]; }
  // Every instance reports its changes (set up in add_instance). While an instance is down,
  // routing goes through an UpInstancesView of those up: changes are reported to the router
  // under the instance's position there, and every position when an instance fails or
  // recovers, so routers keep their index through failures too.
  bool reports_load_changes() const override { return true; }

  // LoadListener: instance `slot` (its position here) changed.
  void on_load_changed(std::size_t slot) override;

  // ArrivalSink: routes the request to an instance.
  void on_request_arrival(workload::Request&& request, TimeNs now) override;

  // ---- faults (cluster_faults.cpp, docs/faults.md) ----
  // Instance `i` fails: its requests are re-routed to the instances still up (requeue) or
  // published as lost. While every instance is down, arrivals and re-queued requests wait in
  // the cluster and are routed when one recovers.
  std::size_t fault_domains() const override { return instances_.size(); }
  void fail_instance(std::size_t i, TimeNs now, bool requeue) override;
  void recover_instance(std::size_t i, TimeNs now) override;
  std::size_t parked() const { return parked_.size(); }

  // ---- auto-scaling (cluster_scaling.cpp): instances leave and join through the up list ----
  // Instance `i` stops (true) or resumes (false) taking requests; it keeps running those it has.
  void withhold(std::size_t i, bool withheld);
  // Withheld instance `i`, holding no request, is switched off (down, as a failed one).
  void power_off(std::size_t i, TimeNs now);
  // Switched-off instance `i` is up and takes requests again.
  void power_on(std::size_t i, TimeNs now);

 private:
  ArrivalFeed feed_;
  std::unique_ptr<policy::Router> router_;
  ServingObserver& observer_;
  std::vector<std::unique_ptr<ServingInstance>> instances_;
  std::vector<policy::InstanceCapacity> capacity_;
  MigrationCoordinator* migration_ = nullptr;
  Autoscaler* autoscaler_ = nullptr;
  std::size_t down_count_ = 0;  // failed
  std::vector<char> withheld_;  // auto-scaling: draining or switched off
  std::size_t withheld_count_ = 0;
  bool all_routable() const { return down_count_ + withheld_count_ == 0; }
  UpInstances up_;  // renumbered at every failure and recovery
  std::deque<workload::Request> parked_;  // waiting for any instance to be up

  // Routes to an instance that is up (through a view of those only) or parks the request.
  void route(workload::Request&& request, TimeNs now);
  // Rebuilds up_ after a failure or recovery and reports every position of the new numbering
  // to the router (O(n) per failure or recovery, none per request).
  void renumber_up();
};

}  // namespace xpusim::systems
