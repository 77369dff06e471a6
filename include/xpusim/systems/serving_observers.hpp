#pragma once
// The one fan-out of serving records.
//
// Contract: ServingObservers is what serving systems publish into (a ServingObserver, plus the
// prefix cache's PrefixCacheObserver). add(subscriber) subscribes it to every concern whose
// interface it implements (request lifecycle, KV movement, tenant service, device activity,
// cache events), and to nothing else; a record goes to the subscribers of its concern in the
// order they were added. Adding a record touches its concern's interface, the forwarding
// method here and the subscribers that want it, nothing else.
#include <type_traits>
#include <vector>

#include "xpusim/systems/prefix_cache_records.hpp"
#include "xpusim/systems/serving_records.hpp"

namespace xpusim::systems {

class ServingObservers final : public ServingObserver, public PrefixCacheObserver {
 public:
  template <class Subscriber>
  void add(Subscriber& s) {
    if constexpr (std::is_base_of_v<RequestLifecycleObserver, Subscriber>) lifecycle_.push_back(&s);
    if constexpr (std::is_base_of_v<KvMovementObserver, Subscriber>) kv_movement_.push_back(&s);
    if constexpr (std::is_base_of_v<TenantServiceObserver, Subscriber>) tenant_.push_back(&s);
    if constexpr (std::is_base_of_v<DeviceActivityObserver, Subscriber>) device_.push_back(&s);
    if constexpr (std::is_base_of_v<PrefixCacheObserver, Subscriber>) cache_.push_back(&s);
  }

  // ---- request lifecycle ----
  void on_arrival(const workload::Request& request, TimeNs now) override {
    for (auto* o : lifecycle_) o->on_arrival(request, now);
  }
  void on_request_done(const RequestRecord& record) override {
    for (auto* o : lifecycle_) o->on_request_done(record);
  }
  void on_token_gaps(TimeNs gap_ns, std::int64_t count) override {
    for (auto* o : lifecycle_) o->on_token_gaps(gap_ns, count);
  }
  void on_preemption(std::uint64_t request_id, int instance, TimeNs now) override {
    for (auto* o : lifecycle_) o->on_preemption(request_id, instance, now);
  }
  // ---- KV movement ----
  void on_kv_transfer(const KvTransferRecord& record) override {
    for (auto* o : kv_movement_) o->on_kv_transfer(record);
  }
  void on_migration(const MigrationRecord& record) override {
    for (auto* o : kv_movement_) o->on_migration(record);
  }
  void on_swap_stall(int instance, TimeNs stall_ns, double bytes, std::int64_t transfers) override {
    for (auto* o : kv_movement_) o->on_swap_stall(instance, stall_ns, bytes, transfers);
  }
  // ---- tenant service ----
  void on_admitted(std::int32_t tenant, std::int64_t input_tokens, bool first_time, TimeNs now) override {
    for (auto* o : tenant_) o->on_admitted(tenant, input_tokens, first_time, now);
  }
  void on_output_tokens(std::int32_t tenant, std::int64_t count, TimeNs now) override {
    for (auto* o : tenant_) o->on_output_tokens(tenant, count, now);
  }
  void on_requeued(std::int32_t tenant, TimeNs now) override {
    for (auto* o : tenant_) o->on_requeued(tenant, now);
  }
  // ---- device activity ----
  void on_iteration(int instance, TimeNs start_ns, TimeNs end_ns, std::int64_t decode_seqs,
                    std::int64_t prefill_tokens) override {
    for (auto* o : device_) o->on_iteration(instance, start_ns, end_ns, decode_seqs, prefill_tokens);
  }
  void on_instance_down(int instance, TimeNs now, std::int64_t requeued, std::int64_t lost) override {
    for (auto* o : device_) o->on_instance_down(instance, now, requeued, lost);
  }
  void on_instance_up(int instance, TimeNs now) override {
    for (auto* o : device_) o->on_instance_up(instance, now);
  }
  void on_link_down(const std::string& host, TimeNs now) override {
    for (auto* o : device_) o->on_link_down(host, now);
  }
  void on_link_up(const std::string& host, TimeNs now) override {
    for (auto* o : device_) o->on_link_up(host, now);
  }
  // ---- cache events ----
  void on_prefix_lookup(const PrefixLookupRecord& record) override {
    for (auto* o : cache_) o->on_prefix_lookup(record);
  }
  void on_prefix_eviction(const PrefixEvictionRecord& record) override {
    for (auto* o : cache_) o->on_prefix_eviction(record);
  }
  void on_prefix_regret(int instance, TimeNs now) override {
    for (auto* o : cache_) o->on_prefix_regret(instance, now);
  }

 private:
  std::vector<RequestLifecycleObserver*> lifecycle_;
  std::vector<KvMovementObserver*> kv_movement_;
  std::vector<TenantServiceObserver*> tenant_;
  std::vector<DeviceActivityObserver*> device_;
  std::vector<PrefixCacheObserver*> cache_;
};

}  // namespace xpusim::systems
