#pragma once
// Llumnix's "balanced" pairing rule (llumnix/global_scheduler/migration_policy.py): sources
// by load descending, destinations ascending, the i-th paired with the i-th; a pair migrates
// one request when it narrows their load gap without overshooting (0 < after < before) and
// does not push the destination above migrate_out_load_threshold. Load = virtual usage (blocks
// held, head-of-line demand, priority_headroom_blocks per high-priority request) / blocks; a
// draining instance (auto-scaling) has an infinite load and migrates to any destination that
// stays under the threshold.
//
// Cost: when the view reports load changes, a change only marks the instance (O(1)); a check
// re-reads the marked instances' loads into two ordered indexes (O(log n) each) and walks the
// pairs only while the source is more loaded than its destination, the only pairs that can
// migrate: O(d log n + m) for d instances changed since the last check and m such pairs,
// instead of reading and sorting every instance (O(n log n)). Without reports (or in invariant
// builds, as a check) the pairs come from the full scan. Both give the same pairs (tests/policy).
#include <set>
#include <utility>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/policy/migration/migration_policy.hpp"

namespace xpusim::policy {

class LlumnixMigration final : public MigrationPolicy {
 public:
  enum class Request { Last };  // which request a source migrates
  struct Config {
    MigrationSettings settings{0.05, 4, 1};
    double migrate_out_load_threshold = 0.9;  // max load of the destination after migrating in
    Request request = Request::Last;
    // Llumnix's priority headroom: each high-priority request on an instance adds this many
    // blocks to its load (virtual usage), so normal requests migrate away from it.
    std::int64_t priority_headroom_blocks = 0;
  };
  explicit LlumnixMigration(Config config) : config_(config) {}
  static const ParamBinding<Config>& binding();
  MigrationSettings settings() const override { return config_.settings; }
  void choose_pairs(const MigrationView& view, std::vector<MigrationPair>& out) override;
  void on_load_changed(const MigrationView& view, std::size_t i) override;

  // The pairs by the full scan (sort every instance), whatever the view reports: the reference
  // the indexed walk is checked against.
  void scan_pairs(const MigrationView& view, std::vector<MigrationPair>& out);

 private:
  using Key = std::pair<double, std::size_t>;
  double load(const MigrationView& view, std::size_t i) const;
  // Whether source s migrates one request to destination d (loads as the index holds them).
  bool migrates(const MigrationView& view, std::size_t s, std::size_t d,
                const std::vector<double>& load) const;
  void index(std::size_t i, double load);  // (re)places instance i in both indexes
  void sync(const MigrationView& view);     // indexes instances it has not heard of yet
  void walk(const MigrationView& view, std::vector<MigrationPair>& out) const;

  Config config_;
  std::vector<std::size_t> src_, dst_;  // reused between scans
  std::vector<double> load_;            // the scan's loads
  std::vector<double> indexed_;         // each instance's load as indexed
  std::vector<char> known_;             // indexed_[i] holds instance i's load
  std::vector<char> stale_;             // instance i changed since the last check
  std::vector<std::size_t> dirty_;      // those instances, each once
  std::set<Key> ascending_;             // (load, instance): destinations in order
  std::set<Key> descending_;            // (-load, instance): sources in order
  std::vector<MigrationPair> check_;    // invariant builds: the scan's pairs
};

}  // namespace xpusim::policy
