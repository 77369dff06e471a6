#pragma once
// Llumnix's global scheduler and migration mechanism over colocated instances: every
// interval a migration policy pairs instances; each pair moves one decoding request by
// pre-copy over the link fabric. Round 1 copies the request's KV while it keeps decoding on
// the source; each later round copies the KV produced during the previous one; the final round
// stops it on the source and hands it to the destination like a disaggregated KV hand-off
// (remote KV, no PCIe charge) once its transfer and the fixed stop-and-copy cost
// (`downtime_fixed_s`) have passed: together the downtime. Blocks on the destination are
// reserved at the start.
#include <memory>
#include <vector>

#include "xpusim/core/simulator.hpp"
#include "xpusim/hw/link_fabric.hpp"
#include "xpusim/policy/migration/migration_policy.hpp"
#include "xpusim/systems/serving_instance.hpp"

namespace xpusim::systems {

class MigrationCoordinator final : public EventHandler,
                                   public hw::TransferListener,
                                   public policy::MigrationView {
 public:
  // `instances` is the cluster's list (it may grow until start); instance i's KV leaves from
  // and arrives at topology node `nodes[i]`.
  MigrationCoordinator(Simulator& sim, const std::vector<std::unique_ptr<ServingInstance>>& instances,
                       std::vector<int> nodes, hw::LinkFabric& fabric,
                       std::unique_ptr<policy::MigrationPolicy> policy, ServingObserver& observer,
                       double kv_bytes_per_token);

  // Something arrived: make sure the periodic check runs (it stops while all is idle, so an
  // idle cluster does not keep the simulation alive).
  void wake();
  std::size_t in_flight() const { return in_flight_; }
  // Requests stopped on their source whose final round is still on its way (held by no
  // instance; request conservation counts them here).
  std::size_t requests_in_flight() const;
  // Instance `i` has failed (docs/faults.md): every migration from or to it ends. The
  // destination's reservation is returned if the destination is up; a request whose final
  // round was on its way lost its KV with either end and is returned for the cluster to
  // re-queue or drop.
  std::vector<workload::Request> on_instance_failed(std::size_t i, TimeNs now);
  std::uint64_t aborted() const { return aborted_; }

  // The cluster reports every load change of its instances from now on (on_load_changed), so
  // the policy may keep an index and the check for remaining work is O(1).
  void report_load_changes() { reporting_ = true; }
  // Instance `i` changed (LoadListener, through the cluster).
  void on_load_changed(std::size_t i);
  // Auto-scaling: instance `i` is being drained (its requests migrate out, none migrate in).
  void set_draining(std::size_t i, bool draining);
  // Instance `i` takes part in a migration now (as source or destination).
  bool migrating(std::size_t i) const { return busy(i); }

  // policy::MigrationView
  std::size_t instance_count() const override { return instances_.size(); }
  std::int64_t total_blocks(std::size_t i) const override { return instances_[i]->total_blocks(); }
  std::int64_t virtual_used_blocks(std::size_t i) const override {
    return instances_[i]->virtual_used_blocks();
  }
  std::int64_t candidate_blocks(std::size_t i) const override;
  bool can_migrate_in(std::size_t i) const override {
    return !busy(i) && !instances_[i]->down() && !draining(i);
  }
  bool draining(std::size_t i) const override { return i < draining_.size() && draining_[i]; }
  bool reports_load_changes() const override { return reporting_; }
  std::int64_t high_priority_requests(std::size_t i) const override {
    return instances_[i]->high_priority_outstanding();
  }

  // The periodic check (kTick) or the end of a final round's fixed cost (kCommit, payload =
  // slot).
  void on_event(std::uint32_t tag, std::uint64_t payload) override;
  void on_transfer_done(std::uint64_t cookie, TimeNs now) override;  // a round ended

 private:
  static constexpr std::uint32_t kTick = 0, kCommit = 1;
  struct Migration {
    ServingInstance::SeqRef ref;
    std::size_t from = 0, to = 0;
    std::uint64_t request_id = 0;
    std::int64_t copied_tokens = 0;
    std::int64_t reserved_blocks = 0;
    std::int32_t rounds = 0;
    double bytes = 0;
    TimeNs start_ns = 0;
    TimeNs final_start_ns = -1;  // -1 while pre-copying
    Handoff handoff;             // filled when the request stops on the source
    bool active = false;         // the slot is in use (until its last transfer ends)
    bool cancelled = false;      // an end failed: the transfer in flight is ignored
  };
  bool busy(std::size_t i) const { return i < busy_.size() && busy_[i]; }
  void start(const policy::MigrationPair& pair, TimeNs now);
  void begin_round(std::uint32_t slot, TimeNs now);
  void abort(std::uint32_t slot, TimeNs now);
  void complete(std::uint32_t slot, TimeNs now);
  void final_round_done(std::uint32_t slot, TimeNs now);
  void release(std::uint32_t slot);
  bool anything_left();

  Simulator& sim_;
  const std::vector<std::unique_ptr<ServingInstance>>& instances_;
  std::vector<int> nodes_;
  hw::LinkFabric& fabric_;
  std::unique_ptr<policy::MigrationPolicy> policy_;
  policy::MigrationSettings settings_;
  ServingObserver& observer_;
  double kv_bytes_per_token_;
  std::vector<char> busy_;  // instance takes part in a migration (at most one each)
  std::vector<Migration> migrations_;  // slots, recycled
  std::vector<std::uint32_t> free_slots_;
  std::vector<policy::MigrationPair> pairs_;
  std::size_t in_flight_ = 0;
  std::uint64_t aborted_ = 0;
  bool tick_pending_ = false;
  bool reporting_ = false;
  std::vector<char> draining_;
  // With reporting_: whether each instance had outstanding requests at its last report, and
  // how many did (instances never reported are counted at the next check).
  std::vector<char> has_work_;
  std::size_t with_work_ = 0;
  void note_work(std::size_t i);
};

}  // namespace xpusim::systems
