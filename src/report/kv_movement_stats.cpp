#include "xpusim/report/kv_movement_stats.hpp"

namespace xpusim::report {

void KvMovementStats::on_kv_transfer(const systems::KvTransferRecord& r) {
  ++transfers_.count;
  transfers_.bytes += r.bytes;
  transfers_.seconds += ns_to_seconds(r.end_ns - r.start_ns);
}

void KvMovementStats::on_migration(const systems::MigrationRecord& r) {
  ++migrations_.count;
  migrations_.bytes += r.bytes;
  migrations_.seconds += ns_to_seconds(r.downtime_ns);
}

nlohmann::json KvMovementStats::Tally::to_json(const char* mean_key) const {
  return {{"count", count},
          {"bytes", bytes},
          {mean_key, count > 0 ? nlohmann::json(seconds / static_cast<double>(count))
                               : nlohmann::json(nullptr)}};
}

nlohmann::json KvMovementStats::transfer_summary() const {
  return transfers_.to_json("mean_time_s");
}

nlohmann::json KvMovementStats::migration_summary() const {
  return migrations_.to_json("mean_downtime_s");
}

void KvMovementStats::on_swap_stall(int, TimeNs stall_ns, double bytes, std::int64_t transfers) {
  ++swaps_.count;
  swaps_.bytes += bytes;
  swaps_.seconds += static_cast<double>(stall_ns) / 1e9;
  swap_transfers_ += transfers;
}

nlohmann::json KvMovementStats::swap_summary() const {
  return nlohmann::json{{"iterations", swaps_.count},
                        {"stall_s", swaps_.seconds},
                        {"bytes", swaps_.bytes},
                        {"transfers", swap_transfers_}};
}

}  // namespace xpusim::report
