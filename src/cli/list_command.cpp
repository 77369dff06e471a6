// `xpusim list`: generated from the same declarations the loader validates against.
#include "xpusim/build_paths.hpp"
#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "xpusim/cli/commands.hpp"
#include "xpusim/hw/device_spec.hpp"
#include "xpusim/hw/switch_spec.hpp"
#include "xpusim/hw/soc_spec.hpp"
#include "xpusim/model/engine_overhead_model.hpp"
#include "xpusim/model/model_spec.hpp"
#include "xpusim/scenario/ina_scenario.hpp"
#include "xpusim/scenario/moe_offload_scenario.hpp"
#include "xpusim/scenario/moe_scenario.hpp"
#include "xpusim/scenario/faults_section.hpp"
#include "xpusim/scenario/scenario_loader.hpp"
#include "xpusim/systems/instance_config.hpp"
#include "xpusim/workload/training_job.hpp"
#include "xpusim/workload/agent_flow.hpp"

namespace xpusim::cli {

namespace {

void print_schema(const ParamSchema& schema, const std::string& indent) {
  for (const auto& d : schema.decls()) {
    std::string def = d.default_value ? "default " + format_value(*d.default_value) : "required";
    if (d.default_value && std::holds_alternative<std::string>(*d.default_value) &&
        std::get<std::string>(*d.default_value).empty())
      def = "default \"\"";
    std::cout << indent << std::left << std::setw(26) << d.name << " " << std::setw(34)
              << d.expected() << " " << std::setw(18) << def << " " << d.help << "\n";
  }
}

template <typename CatalogT>
void print_catalog(const std::string& title, const std::string& key, const CatalogT& catalog) {
  std::cout << title << " (" << key << "):\n";
  for (const auto& [name, entry] : catalog.entries()) {
    std::cout << "  " << name << ": " << entry.help << "\n";
    print_schema(entry.schema, "      ");
  }
  std::cout << "\n";
}

void print_section(const std::string& title, const ParamSchema& schema) {
  std::cout << title << ":\n";
  print_schema(schema, "  ");
  std::cout << "\n";
}

void print_presets(const std::string& title, const std::string& dir) {
  std::vector<std::string> names;
  const std::filesystem::path root = std::filesystem::path(XPUSIM_SOURCE_DIR) / "configs" / dir;
  if (std::filesystem::is_directory(root))
    for (const auto& f : std::filesystem::directory_iterator(root))
      if (f.path().extension() == ".yaml") names.push_back(f.path().stem().string());
  std::sort(names.begin(), names.end());
  std::cout << title << " presets (configs/" << dir << "/):";
  for (const auto& n : names) std::cout << " " << n;
  std::cout << "\n\n";
}

}  // namespace

int list_command(const std::string& family) {
  const scenario::Catalogs c = scenario::build_catalogs();
  std::vector<std::string> known;  // every family name, for the unknown-family message
  const auto want = [&](const std::string& f) {
    known.push_back(f);
    return family.empty() || family == f;
  };
  bool any = false;
  if (want("scenario")) any = true, print_section("top-level keys", scenario::top_level_schema());
  if (want("hardware")) {
    any = true;
    print_section(
        "device parameters (hardware, and decode_hardware for a disaggregated decode pool: "
        "{preset: NAME, ...overrides})",
        hw::device_schema());
    print_presets("hardware", "hardware");
  }
  if (want("model")) {
    any = true;
    print_section("model parameters (model: {preset: NAME, ...overrides})", model::model_schema());
    print_presets("model", "models");
  }
  if (want("execution")) any = true, print_catalog("execution models", "execution.model", c.execution);
  if (want("engine")) {
    any = true;
    print_section("serving engine overhead (engine: {preset: NAME, ...overrides}; absent = none)",
                  model::engine_schema());
    print_presets("engine", "engines");
  }
  if (want("cluster")) any = true, print_section("cluster", scenario::cluster_schema());
  if (want("router")) any = true, print_catalog("routers", "cluster.router.policy", c.routers);
  if (want("migration"))
    any = true, print_catalog("migration policies", "cluster.migration.policy", c.migration);
  if (want("instance")) any = true, print_section("instance", systems::InstanceConfig::binding().schema());
  if (want("batching")) any = true, print_catalog("batching policies", "batching.policy", c.batching);
  if (want("workload")) any = true, print_catalog("workload sources", "workload.source", c.sources);
  if (want("fairness")) any = true, print_catalog("fairness policies", "fairness.policy", c.fairness);
  if (want("tenants")) any = true, print_section("tenants", scenario::tenants_schema());
  if (want("slo")) any = true, print_section("slo", scenario::slo_schema());
  // The `ina` system kind (in-network aggregation, docs/ina.md).
  if (want("switch"))
    any = true, print_section("switch parameters (system: ina; switch: {preset: NAME, ...overrides})",
                              hw::switch_schema());
  if (want("switch_memory"))
    any = true, print_catalog("switch-memory policies (system: ina)", "switch_memory.policy", c.switch_memory);
  if (want("ina_workload")) {
    any = true;
    print_section("training jobs (system: ina; workload)", workload::training_workload_schema());
    print_section("one listed job (system: ina; workload.jobs: [{...}, ...] instead of the generator keys)",
                  workload::training_job_schema());
  }
  if (want("ina_metrics"))
    any = true, print_section("ina metrics (system: ina; metrics)", scenario::ina_metrics_schema());
  if (want("soc")) {
    any = true;
    print_section("system: soc -- SoC parameters (soc: {preset: NAME, ...overrides}; presets "
                  "intel-core-ultra-7-258v, snapdragon-x-elite in configs/hardware/)",
                  hw::soc_schema());
    print_catalog("system: soc -- flow-scheduling policies", "flow_scheduling.policy", c.flow_scheduling);
    print_section("system: soc -- agent workload (workload)", workload::agent_workload_schema());
  }
  if (want("moe")) {
    any = true;
    print_section("moe cluster (system: moe; cluster:)", scenario::moe_cluster_schema());
    print_section("moe run (system: moe; run:)", scenario::moe_run_schema());
    print_section("moe routing (system: moe; routing:)", scenario::moe_routing_schema());
    print_catalog("expert placement policies (system: moe)", "placement.policy", c.expert_placement);
  }
  if (want("moe_offload")) {
    any = true;
    print_section("moe_offload run (system: moe_offload; run:)", scenario::offload_run_schema());
    print_section("moe_offload cache (cache:)", scenario::offload_cache_schema());
    print_section("moe_offload cpu (cpu:)", scenario::offload_cpu_schema());
    print_catalog("expert offload policies (system: moe_offload; routing: as for moe)", "offload.policy",
                  c.expert_offload);
  }
  if (want("prefix_cache")) any = true, print_section("prefix_cache", scenario::prefix_cache_schema());
  if (want("eviction"))
    any = true, print_catalog("prefix eviction policies", "prefix_cache.eviction.policy", c.eviction);
  if (want("faults")) {
    any = true;
    print_section("faults (docs/faults.md)", scenario::faults_schema());
    print_section("faults.schedule[] (one scheduled failure)", scenario::scheduled_fault_schema());
    print_section("faults.links[] (one KV-link failure)", scenario::link_fault_schema());
  }
  if (!any) {
    std::string names;
    for (const auto& k : known) names += (names.empty() ? "" : ", ") + k;
    std::cerr << "error: unknown family '" << family << "' (expected one of: " << names << ")\n";
    return kExitInput;
  }
  return kExitOk;
}

}  // namespace xpusim::cli
