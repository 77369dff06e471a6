#pragma once
// Never migrates: each request stays on the instance the router chose.
#include "xpusim/policy/migration/migration_policy.hpp"

namespace xpusim::policy {

class NoMigration final : public MigrationPolicy {
 public:
  MigrationSettings settings() const override { return {}; }
  void choose_pairs(const MigrationView& view, std::vector<MigrationPair>& out) override;
};

}  // namespace xpusim::policy
