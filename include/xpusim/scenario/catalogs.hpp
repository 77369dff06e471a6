#pragma once
// Every pluggable component by the name the YAML uses. Built explicitly (no static
// registration), here in the composition root, which is the one place that knows every
// concrete type.
#include <filesystem>

#include "xpusim/core/catalog.hpp"
#include "xpusim/model/execution_model.hpp"
#include "xpusim/policy/batching/batching_policy.hpp"
#include "xpusim/policy/dvfs/dvfs_governor.hpp"
#include "xpusim/policy/flow_scheduling/flow_scheduler.hpp"
#include "xpusim/policy/expert_offload/expert_offload_policy.hpp"
#include "xpusim/policy/expert_placement/expert_placement_policy.hpp"
#include "xpusim/policy/fairness/fairness_policy.hpp"
#include "xpusim/policy/migration/migration_policy.hpp"
#include "xpusim/policy/prefix_eviction/eviction_policy.hpp"
#include "xpusim/policy/routing/router.hpp"
#include "xpusim/policy/switch_memory/switch_memory_policy.hpp"
#include "xpusim/workload/request_source.hpp"

namespace xpusim::scenario {

// The last argument is the scenario file's folder, against which a model resolves relative
// paths to its own input files (profile tables), as workload::SourceContext does for traces.
using ExecutionCatalog = Catalog<model::ExecutionModel, const model::ModelSpec&,
                                 const model::Placement&, const std::filesystem::path&>;

struct Catalogs {
  workload::SourceCatalog sources{"workload source"};
  policy::BatchingCatalog batching{"batching policy"};
  policy::RouterCatalog routers{"router"};
  policy::MigrationCatalog migration{"migration policy"};
  policy::FairnessCatalog fairness{"fairness policy"};
  policy::EvictionCatalog eviction{"prefix eviction policy"};
  ExecutionCatalog execution{"execution model"};
  policy::SwitchMemoryCatalog switch_memory{"switch-memory policy"};
  policy::FlowSchedulingCatalog flow_scheduling{"flow-scheduling policy"};
  policy::DvfsCatalog dvfs{"DVFS governor"};
  policy::ExpertPlacementCatalog expert_placement{"expert placement policy"};
  policy::ExpertOffloadCatalog expert_offload{"expert offload policy"};
};

Catalogs build_catalogs();

}  // namespace xpusim::scenario
