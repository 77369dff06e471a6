// The registry lines of the migration family: one per policy, by the name the YAML uses.
#include "xpusim/policy/migration/llumnix.hpp"
#include "xpusim/policy/migration/no_migration.hpp"

namespace xpusim::policy {

namespace {

ParamSchema llumnix_schema() {
  ParamSchema s;
  s.real("interval_s", 0.05, "s",
         "how often the global scheduler pairs instances (Llumnix polls instance load every 50 ms)",
         {.min = 0, .max = 1e6, .min_exclusive = true})
      .real("migrate_out_load_threshold", 0.9, "",
            "skip a pair if the destination's load (virtual KV usage fraction) after migrating "
            "in would exceed this",
            {.min = 0})
      .choice("request", "last", {"last"},
              "which request a source migrates: the last admitted decoding one (Llumnix LCFS)")
      .integer("max_rounds", 4, "", "pre-copy rounds including the final stop-and-copy round",
               {.min = 1, .max = 64})
      .integer("last_round_max_blocks", 1, "",
               "stop the request and copy the rest once at most this many blocks of new KV remain",
               {.min = 0});
  return s;
}

}  // namespace

void register_migration_policies(MigrationCatalog& c) {
  c.add("none", "no migration: requests stay where the router put them", ParamSchema{},
        [](const Params&) { return std::make_unique<NoMigration>(); });
  c.add("llumnix",
        "live migration (Llumnix): every interval, pair the most and least loaded instances and "
        "move one decoding request per pair when that narrows their gap",
        llumnix_schema(), [](const Params& p) {
          LlumnixMigration::Config cfg;
          cfg.settings.interval_s = p.real("interval_s");
          cfg.settings.max_rounds = static_cast<std::int32_t>(p.integer("max_rounds"));
          cfg.settings.last_round_max_blocks = p.integer("last_round_max_blocks");
          cfg.migrate_out_load_threshold = p.real("migrate_out_load_threshold");
          return std::make_unique<LlumnixMigration>(cfg);
        });
}

}  // namespace xpusim::policy
