// The registry lines of the migration family: one per policy, by the name the YAML uses.
#include "xpusim/policy/migration/llumnix.hpp"
#include "xpusim/policy/migration/no_migration.hpp"

namespace xpusim::policy {

void register_migration_policies(MigrationCatalog& c) {
  c.add("none", "no migration: requests stay where the router put them", ParamSchema{},
        [](const Params&) { return std::make_unique<NoMigration>(); });
  c.add("llumnix",
        "live migration (Llumnix): every interval, pair the most and least loaded instances and "
        "move one decoding request per pair when that narrows their gap",
        LlumnixMigration::binding(), [](LlumnixMigration::Config cfg) {
          return std::make_unique<LlumnixMigration>(cfg);
        });
}

}  // namespace xpusim::policy
