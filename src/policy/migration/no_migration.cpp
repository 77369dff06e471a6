#include "xpusim/policy/migration/no_migration.hpp"

namespace xpusim::policy {

void NoMigration::choose_pairs(const MigrationView&, std::vector<MigrationPair>& out) { out.clear(); }

}  // namespace xpusim::policy
