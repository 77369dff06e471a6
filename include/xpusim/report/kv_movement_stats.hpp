#pragma once
// Counts KV moved between instances — prefill-to-decode hand-offs and live migrations — for
// summary.json's `kv_transfer` and `migration` objects.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "xpusim/systems/serving_records.hpp"

namespace xpusim::report {

class KvMovementStats final : public systems::KvMovementObserver {
 public:
  void on_kv_transfer(const systems::KvTransferRecord& record) override;
  void on_migration(const systems::MigrationRecord& record) override;
  void on_swap_stall(int instance, TimeNs stall_ns, double bytes, std::int64_t transfers) override;
  // {iterations, stall_s, bytes, transfers}: time iterations waited for KV swaps (context
  // switches between preempted and resumed requests).
  nlohmann::json swap_summary() const;

  // {count, bytes, mean_time_s}; mean is null without transfers.
  nlohmann::json transfer_summary() const;
  // {count, bytes, mean_downtime_s}; mean is null without migrations.
  nlohmann::json migration_summary() const;

 private:
  struct Tally {
    std::int64_t count = 0;
    double bytes = 0;
    double seconds = 0;
    nlohmann::json to_json(const char* mean_key) const;
  };
  Tally transfers_;
  Tally migrations_;
  Tally swaps_;
  std::int64_t swap_transfers_ = 0;
};

}  // namespace xpusim::report
