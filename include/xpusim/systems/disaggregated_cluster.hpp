#pragma once
// Prefill–decode disaggregation (DistServe, Splitwise): arrivals are routed among prefill-only
// instances; a finished prompt's KV is copied over the link fabric to the decode-only instance
// with the fewest outstanding requests, which then generates the remaining tokens. The prefill
// instance holds the KV blocks until the copy is done.
#include <memory>
#include <optional>
#include <vector>

#include "xpusim/core/simulator.hpp"
#include "xpusim/hw/link_fabric.hpp"
#include "xpusim/policy/routing/router.hpp"
#include "xpusim/systems/arrival_feed.hpp"
#include "xpusim/systems/kv_handoff.hpp"
#include "xpusim/systems/serving_instance.hpp"
#include "xpusim/workload/request_source.hpp"

namespace xpusim::systems {

struct KvTransferConfig {
  double kv_bytes_per_token = 0;  // across all layers and tensor-parallel ranks
  // Splitwise's layer-wise transfer: each layer's KV is sent while later layers still compute,
  // so only the last layer's share (1 / num_layers) is left to send when the prefill ends.
  bool per_layer = false;
  int num_layers = 1;
};

class DisaggregatedCluster final : public ArrivalSink,
                                   public policy::RoutingView,
                                   public KvHandoff,
                                   public hw::TransferListener {
 public:
  DisaggregatedCluster(Simulator& sim, std::unique_ptr<workload::RequestSource> source,
                       std::unique_ptr<policy::Router> router, ServingObserver& observer,
                       hw::LinkFabric& fabric, KvTransferConfig config);

  // Instances are numbered prefill first: the i-th prefill instance has index i, the j-th
  // decode instance index prefill_count + j (all prefill instances are added first).
  // `fabric_node` is the topology node its KV leaves from or arrives at.
  void add_prefill(std::unique_ptr<ServingInstance> instance, int fabric_node);
  void add_decode(std::unique_ptr<ServingInstance> instance, int fabric_node);
  // Schedules the first arrival; call once before Simulator::run.
  void start();

  const std::vector<std::unique_ptr<ServingInstance>>& prefill() const { return prefill_; }
  const std::vector<std::unique_ptr<ServingInstance>>& decode() const { return decode_; }
  std::uint64_t arrived() const { return feed_.arrived(); }
  std::size_t transfers_in_flight() const { return in_flight_; }

  // policy::RoutingView, over the prefill instances (the router places prompts).
  std::size_t instance_count() const override { return prefill_.size(); }
  std::int64_t outstanding(std::size_t i) const override { return prefill_[i]->outstanding(); }
  double kv_used_fraction(std::size_t i) const override;

  void on_request_arrival(workload::Request&& request, TimeNs now) override;
  void on_prefilled(int instance, Handoff&& handoff, TimeNs now) override;
  void on_transfer_done(std::uint64_t cookie, TimeNs now) override;

 private:
  struct Transfer {
    Handoff handoff;
    std::size_t decode = 0;
    double bytes = 0;
    TimeNs start_ns = 0;
  };
  std::size_t choose_decode() const;

  Simulator& sim_;
  ArrivalFeed feed_;
  std::unique_ptr<policy::Router> router_;
  ServingObserver& observer_;
  hw::LinkFabric& fabric_;
  KvTransferConfig config_;
  std::vector<std::unique_ptr<ServingInstance>> prefill_, decode_;
  std::vector<int> prefill_node_, decode_node_;
  std::vector<std::int64_t> inbound_;  // transfers on their way to each decode instance
  std::vector<Transfer> transfers_;    // slots, recycled
  std::vector<std::uint32_t> free_transfers_;
  std::size_t in_flight_ = 0;
};

}  // namespace xpusim::systems
