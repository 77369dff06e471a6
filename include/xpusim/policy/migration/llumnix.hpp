#pragma once
// Llumnix's "balanced" pairing rule (llumnix/global_scheduler/migration_policy.py): sources
// by load descending, destinations ascending, the i-th paired with the i-th; a pair migrates
// one request when it narrows their load gap without overshooting (0 < after < before) and
// does not push the destination above migrate_out_load_threshold. Load = virtual usage (blocks
// held, head-of-line demand, priority_headroom_blocks per high-priority request) / blocks.
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

 private:
  Config config_;
  std::vector<std::size_t> src_, dst_;  // reused between checks
  std::vector<double> load_;
};

}  // namespace xpusim::policy
