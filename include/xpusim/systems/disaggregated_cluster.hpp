#pragma once
// Prefill–decode disaggregation (DistServe, Splitwise): arrivals are routed among prefill-only
// instances; a finished prompt's KV is copied over the link fabric to the decode-only instance
// with the fewest outstanding requests, which then generates the remaining tokens. The prefill
// instance holds the KV blocks until the copy is done.
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "xpusim/core/simulator.hpp"
#include "xpusim/hw/link_fabric.hpp"
#include "xpusim/policy/routing/load_index.hpp"
#include "xpusim/policy/routing/router.hpp"
#include "xpusim/systems/arrival_feed.hpp"
#include "xpusim/systems/fault_target.hpp"
#include "xpusim/systems/kv_handoff.hpp"
#include "xpusim/systems/load_listener.hpp"
#include "xpusim/systems/serving_instance.hpp"
#include "xpusim/systems/up_instances.hpp"
#include "xpusim/workload/request_source.hpp"

namespace xpusim::systems {

struct KvTransferConfig {
  double kv_bytes_per_token = 0;  // across all layers and tensor-parallel ranks
  // Splitwise's layer-wise transfer: each layer's KV is sent while later layers still compute,
  // so only the last layer's share (1 / num_layers) is left to send when the prefill ends.
  bool per_layer = false;
  int num_layers = 1;
  // A request finished on a decode instance: the full blocks of prompt + output that its
  // prefill instance's cache lacks are copied back over the fabric and cached there
  // (prefix_cache.decode_output: to_prefill; docs/prefix-cache.md). Off: they are dropped.
  bool output_to_prefill = false;
};

class DisaggregatedCluster final : public ArrivalSink,
                                   public policy::RoutingView,
                                   public KvHandoff,
                                   public hw::TransferListener,
                                   public FaultTarget,
                                   public LoadListener {
 public:
  DisaggregatedCluster(Simulator& sim, std::unique_ptr<workload::RequestSource> source,
                       std::unique_ptr<policy::Router> router, ServingObserver& observer,
                       hw::LinkFabric& fabric, KvTransferConfig config);

  // Instances are numbered prefill first: the i-th prefill instance has index i, the j-th
  // decode instance index prefill_count + j (all prefill instances are added first).
  // `fabric_node` is the topology node its KV leaves from or arrives at.
  // `capacity` is what capacity-aware routers weigh the instance by (mixed hardware).
  void add_prefill(std::unique_ptr<ServingInstance> instance, int fabric_node,
                   policy::InstanceCapacity capacity = {});
  void add_decode(std::unique_ptr<ServingInstance> instance, int fabric_node,
                  policy::InstanceCapacity capacity = {});
  // Schedules the first arrival; call once before Simulator::run.
  void start();

  const std::vector<std::unique_ptr<ServingInstance>>& prefill() const { return prefill_; }
  const std::vector<std::unique_ptr<ServingInstance>>& decode() const { return decode_; }
  std::uint64_t arrived() const { return feed_.arrived(); }
  // Subscribe it to the serving records so closed-loop sources hear when requests end.
  ArrivalFeed& feed() { return feed_; }
  std::size_t transfers_in_flight() const { return in_flight_; }
  // Requests held by the cluster itself: arrivals while every prefill instance is down, and
  // prefilled requests waiting (KV held on their prefill instance) while every decode
  // instance is down.
  std::size_t parked() const { return parked_.size() + parked_handoffs_.size(); }

  // ---- faults (disaggregated_cluster_faults.cpp, docs/faults.md) ----
  // Instances are numbered as above. A failed prefill instance loses its queue, its prompts
  // and the KV it was sending (those transfers end unfinished); a failed decode instance loses
  // its sequences and the KV on its way to it. Each such request is re-routed to the prefill
  // pool (requeue: it starts over) or published as lost.
  std::size_t fault_domains() const override { return prefill_.size() + decode_.size(); }
  void fail_instance(std::size_t i, TimeNs now, bool requeue) override;
  void recover_instance(std::size_t i, TimeNs now) override;

  // policy::RoutingView, over the prefill instances (the router places prompts).
  std::size_t instance_count() const override { return prefill_.size(); }
  std::int64_t outstanding(std::size_t i) const override { return prefill_[i]->outstanding(); }
  double kv_used_fraction(std::size_t i) const override;
  std::int64_t free_kv_blocks(std::size_t i) const override { return prefill_[i]->free_blocks(); }
  std::int64_t queued_prompt_blocks(std::size_t i) const override {
    return prefill_[i]->queued_prompt_blocks();
  }
  std::int64_t high_priority_requests(std::size_t i) const override {
    return prefill_[i]->high_priority_outstanding();
  }
  policy::InstanceCapacity capacity(std::size_t i) const override { return prefill_cap_[i]; }
  bool single_phase() const override { return true; }
  // The prefill instances report every load change (add_prefill); with one down, routing goes
  // through an UpInstancesView of those up, reported under their positions there (every
  // position when one fails or recovers), as in Cluster.
  bool reports_load_changes() const override { return true; }

  // LoadListener: instance `slot` changed (numbered as above). A prefill instance's change
  // goes to the router; a decode instance's to the decode-load index and, when the router
  // places decodes, to the router (on_decode_load_changed, under its position among the decode
  // instances that are up).
  void on_load_changed(std::size_t slot) override;

  void on_request_arrival(workload::Request&& request, TimeNs now) override;
  void on_prefilled(int instance, Handoff&& handoff, TimeNs now) override;
  void on_decoded(int instance, const workload::Request& request, std::int64_t kv_tokens,
                  TimeNs now) override;
  void on_transfer_done(std::uint64_t cookie, TimeNs now) override;

 private:
  struct Transfer {
    Handoff handoff;
    std::size_t decode = 0;
    double bytes = 0;
    TimeNs start_ns = 0;
    bool cancelled = false;  // an end failed: ignored when the fabric reports it done
    bool live = false;       // started and its slot not yet recycled
  };
  // Decode instance j's load for least_loaded_decode: down instances last, then outstanding
  // requests plus KV on its way; the index's argmin is the scan's pick.
  struct DecodeLoad {
    bool down = false;
    std::int64_t load = 0;
    bool operator<(const DecodeLoad& o) const { return down != o.down ? o.down : load < o.load; }
  };
  DecodeLoad decode_load(std::size_t j) const {
    return {decode_[j]->down(), decode_[j]->outstanding() + inbound_[j]};
  }
  // Decode instance j's load changed (instance state or inbound KV).
  void decode_changed(std::size_t j);
  std::size_t least_loaded_decode_scan() const;
  // Rebuild the up lists after a failure or recovery and report every position to the router.
  void renumber_prefill();
  void renumber_decode();
  // Generated KV on its way back to a prefill instance's cache (output_to_prefill).
  struct OutputReturn {
    workload::Request request;
    std::int64_t kv_tokens = 0;
    std::size_t prefill = 0;
  };
  static constexpr std::uint64_t kReturnCookie = std::uint64_t{1} << 63;
  void output_returned(std::uint32_t slot, TimeNs now);
  // The decode instance for `handoff`: the router's pick when it places_decode(), else the
  // fewest outstanding among decode instances that are up (O(1): decode_index_, checked
  // against the scan in invariant builds); decode_.size() when none is up.
  std::size_t choose_decode(const Handoff& handoff) const;
  std::size_t least_loaded_decode() const;
  void start_transfer(Handoff&& handoff, TimeNs now);
  // Routes a prompt to a prefill instance that is up, or parks it.
  void route(workload::Request&& request, TimeNs now);
  ServingInstance& instance(std::size_t i) {
    return i < prefill_.size() ? *prefill_[i] : *decode_[i - prefill_.size()];
  }

  Simulator& sim_;
  ArrivalFeed feed_;
  std::unique_ptr<policy::Router> router_;
  ServingObserver& observer_;
  hw::LinkFabric& fabric_;
  KvTransferConfig config_;
  std::vector<std::unique_ptr<ServingInstance>> prefill_, decode_;
  std::vector<int> prefill_node_, decode_node_;
  std::vector<policy::InstanceCapacity> prefill_cap_, decode_cap_;
  std::vector<std::int64_t> inbound_;  // transfers on their way to each decode instance
  std::vector<Transfer> transfers_;    // slots, recycled
  std::vector<std::uint32_t> free_transfers_;
  std::size_t in_flight_ = 0;
  std::size_t prefill_down_ = 0, decode_down_ = 0;
  UpInstances prefill_up_, decode_up_;  // renumbered at every failure and recovery
  policy::LoadIndex<DecodeLoad> decode_index_;  // built by start()
  std::deque<workload::Request> parked_;  // arrivals while every prefill instance is down
  std::deque<Handoff> parked_handoffs_;   // prefilled while every decode instance is down
  std::map<std::uint64_t, std::size_t> prefilled_on_;  // request id -> its prefill instance
  std::vector<OutputReturn> returns_;                  // slots, recycled
  std::vector<std::uint32_t> free_returns_;
};

}  // namespace xpusim::systems
