#include "xpusim/scenario/catalogs.hpp"

#include "xpusim/model/profile_table_model.hpp"
#include "xpusim/model/roofline_model.hpp"

namespace xpusim::scenario {

Catalogs build_catalogs() {
  Catalogs c;
  workload::register_request_sources(c.sources);
  policy::register_batching_policies(c.batching);
  policy::register_routers(c.routers);
  policy::register_migration_policies(c.migration);
  policy::register_switch_memory_policies(c.switch_memory);
  policy::register_flow_schedulers(c.flow_scheduling);
  policy::register_dvfs_governors(c.dvfs);
  policy::register_expert_placement_policies(c.expert_placement);
  policy::register_expert_offload_policies(c.expert_offload);
  policy::register_fairness_policies(c.fairness);
  policy::register_eviction_policies(c.eviction);
  c.execution.add("roofline",
                  "per-operator max(FLOPs / (peak x MFU), bytes / (bandwidth x efficiency)) + "
                  "tensor-parallel all-reduce + fixed overheads",
                  model::roofline_binding(),
                  [](const model::RooflineFactors& f, const model::ModelSpec& m,
                     const model::Placement& pl, const std::filesystem::path&) {
                    return std::make_unique<model::RooflineModel>(m, pl, f);
                  });
  c.execution.add("profile_table",
                  "measured per-operator times (Vidur profile CSV) interpolated in the token "
                  "count; attention, LM head and all-reduce from the roofline",
                  model::profile_table_binding(),
                  [](model::ProfileTableConfig cfg, const model::ModelSpec& m,
                     const model::Placement& pl, const std::filesystem::path& base_dir) {
                    cfg.table = base_dir / cfg.table;  // an absolute path replaces base_dir
                    if (!cfg.attention_table.empty())
                      cfg.attention_table = base_dir / cfg.attention_table;
                    return std::make_unique<model::ProfileTableModel>(m, pl, cfg);
                  });
  return c;
}

}  // namespace xpusim::scenario
