#pragma once
// Migration family: "which instance pairs migrate a request now?" (Llumnix, OSDI'24).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "xpusim/core/catalog.hpp"

namespace xpusim::policy {

// Each instance's load as the global scheduler sees it at a check. Load is Llumnix's "virtual
// usage" in KV blocks: blocks held now plus the blocks the head-of-line queued request needs,
// so a queue shows as load before it holds memory.
class MigrationView {
 public:
  virtual ~MigrationView() = default;
  virtual std::size_t instance_count() const = 0;
  virtual std::int64_t total_blocks(std::size_t instance) const = 0;
  virtual std::int64_t virtual_used_blocks(std::size_t instance) const = 0;
  // Blocks of the request the instance would migrate out; 0 when it has none to offer (or
  // already takes part in a migration).
  virtual std::int64_t candidate_blocks(std::size_t instance) const = 0;
  // Whether the instance may receive a migration now (not already in one).
  virtual bool can_migrate_in(std::size_t instance) const = 0;
  // Outstanding requests with priority > 0 (Llumnix's priority headroom); 0 when not tracked.
  virtual std::int64_t high_priority_requests(std::size_t) const { return 0; }
  // The instance is being drained before it leaves the cluster (auto-scaling): Llumnix gives
  // it an infinite load so that its requests migrate out (docs/serving.md, "Auto-scaling").
  virtual bool draining(std::size_t) const { return false; }
  // Whether MigrationPolicy::on_load_changed hears of every change to what the view reports
  // of an instance's load (virtual usage, high-priority requests, draining), so a policy may
  // keep an index instead of scanning every instance at each check.
  virtual bool reports_load_changes() const { return false; }
};

// Move one request (the source's candidate) from `from` to `to`.
struct MigrationPair {
  std::size_t from = 0;
  std::size_t to = 0;
  bool operator==(const MigrationPair&) const = default;
};

// How the migration mechanism runs for a policy (the global scheduler's period, pre-copy).
struct MigrationSettings {
  double interval_s = 0;             // 0 = never check (no migration)
  std::int32_t max_rounds = 4;       // pre-copy rounds including the final stop-and-copy
  std::int64_t last_round_max_blocks = 1;  // stop and copy once no more than this remains
  // Fixed cost of the stop-and-copy stage on top of its transfer (the handshake that commits
  // the request on the destination), so downtime = last round's transfer + this.
  double downtime_fixed_s = 0;
};

class MigrationPolicy {
 public:
  virtual ~MigrationPolicy() = default;
  virtual MigrationSettings settings() const = 0;
  // Appends the pairs to migrate now to `out` (cleared first).
  virtual void choose_pairs(const MigrationView& view, std::vector<MigrationPair>& out) = 0;
  // Instance `i`'s load may have changed (only called when view.reports_load_changes()).
  virtual void on_load_changed(const MigrationView& /*view*/, std::size_t /*i*/) {}
};

using MigrationCatalog = Catalog<MigrationPolicy>;

void register_migration_policies(MigrationCatalog& catalog);

}  // namespace xpusim::policy
