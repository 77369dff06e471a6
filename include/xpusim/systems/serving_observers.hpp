#pragma once
// Forwards serving records to several observers (metrics, timeline) in registration order.
#include <vector>

#include "xpusim/systems/serving_records.hpp"

namespace xpusim::systems {

class ServingObservers final : public ServingObserver {
 public:
  void add(ServingObserver& observer) { observers_.push_back(&observer); }
  void on_arrival(const workload::Request& request, TimeNs now) override {
    for (auto* o : observers_) o->on_arrival(request, now);
  }
  void on_request_done(const RequestRecord& record) override {
    for (auto* o : observers_) o->on_request_done(record);
  }
  void on_token_gaps(TimeNs gap_ns, std::int64_t count) override {
    for (auto* o : observers_) o->on_token_gaps(gap_ns, count);
  }
  void on_preemption(std::uint64_t request_id, int instance, TimeNs now) override {
    for (auto* o : observers_) o->on_preemption(request_id, instance, now);
  }
  void on_iteration(int instance, TimeNs start_ns, TimeNs end_ns, std::int64_t decode_seqs,
                    std::int64_t prefill_tokens) override {
    for (auto* o : observers_) o->on_iteration(instance, start_ns, end_ns, decode_seqs, prefill_tokens);
  }
  void on_kv_transfer(const KvTransferRecord& record) override {
    for (auto* o : observers_) o->on_kv_transfer(record);
  }
  void on_migration(const MigrationRecord& record) override {
    for (auto* o : observers_) o->on_migration(record);
  }
  void on_admitted(std::int32_t tenant, std::int64_t input_tokens, bool first_time, TimeNs now) override {
    for (auto* o : observers_) o->on_admitted(tenant, input_tokens, first_time, now);
  }
  void on_output_tokens(std::int32_t tenant, std::int64_t count, TimeNs now) override {
    for (auto* o : observers_) o->on_output_tokens(tenant, count, now);
  }
  void on_requeued(std::int32_t tenant, TimeNs now) override {
    for (auto* o : observers_) o->on_requeued(tenant, now);
  }
  void on_swap_stall(int instance, TimeNs stall_ns, double bytes, std::int64_t transfers) override {
    for (auto* o : observers_) o->on_swap_stall(instance, stall_ns, bytes, transfers);
  }
  void on_instance_down(int instance, TimeNs now, std::int64_t requeued, std::int64_t lost) override {
    for (auto* o : observers_) o->on_instance_down(instance, now, requeued, lost);
  }
  void on_instance_up(int instance, TimeNs now) override {
    for (auto* o : observers_) o->on_instance_up(instance, now);
  }
  void on_link_down(const std::string& host, TimeNs now) override {
    for (auto* o : observers_) o->on_link_down(host, now);
  }
  void on_link_up(const std::string& host, TimeNs now) override {
    for (auto* o : observers_) o->on_link_up(host, now);
  }

 private:
  std::vector<ServingObserver*> observers_;
};

}  // namespace xpusim::systems
