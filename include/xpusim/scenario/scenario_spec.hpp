#pragma once
// A validated scenario: typed specs with every default filled in.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "xpusim/core/params.hpp"
#include "xpusim/hw/device_spec.hpp"
#include "xpusim/model/engine_overhead_model.hpp"
#include "xpusim/model/model_spec.hpp"
#include "xpusim/policy/fairness/fairness_policy.hpp"
#include "xpusim/policy/scaling/freeness_scaling.hpp"
#include "xpusim/scenario/cluster_pools.hpp"
#include "xpusim/scenario/kind_sections.hpp"
#include "xpusim/scenario/section_reader.hpp"
#include "xpusim/systems/fault_injector.hpp"
#include "xpusim/systems/instance_config.hpp"

namespace xpusim::scenario {


struct ScenarioSpec {
  std::filesystem::path path;
  std::string name;
  std::uint64_t seed = 1;
  double horizon_s = 0;  // 0 = run until every request is done
  hw::DeviceSpec device;
  std::optional<hw::DeviceSpec> decode_device;  // decode pool's device when it differs (disaggregation)
  model::ModelSpec model;
  Selection execution;
  // Serving engine CPU overhead around the execution model (engine section); absent: none.
  std::optional<model::EngineOverhead> engine;
  int instances = 1;
  int tensor_parallel = 1;
  double tp_link_bw_bytes_per_s = 0;  // 0 = the device's scale-up bandwidth
  double tp_link_latency_s = 0;
  // Expert parallelism of an MoE model (docs/moe.md): GPUs per instance holding its experts,
  // attention data-parallel over them; 0 = off (experts split by tensor parallelism).
  int expert_parallel = 0;
  int decode_expert_parallel = 0;  // the decode pool's G when disaggregated; 0 = expert_parallel
  ServingEpSection ep;             // expert_parallel: links, redundancy, rebalancing
  MoeRoutingSection routing;       // routing: as the moe kinds'
  Selection placement;             // placement: as the moe kind's
  // Expert offload of an MoE model on one GPU (docs/moe.md, "Offload in serving"): on when the
  // offload: section is given; cache: and cpu: as the moe_offload kind's.
  bool expert_offload = false;
  Selection offload;
  OffloadCacheSection offload_cache;
  OffloadCpuSection offload_cpu;
  // G of an instance of the decode pool (`decode`) or of every other instance; 0 = no EP.
  int expert_parallel_of(bool decode) const {
    return decode && decode_expert_parallel > 0 ? decode_expert_parallel : expert_parallel;
  }
  int devices_per_instance(bool decode = false) const {
    const int g = expert_parallel_of(decode);
    return g > 0 ? g : tensor_parallel;
  }
  // Whether any pool serves with expert parallelism (after the loader filled `pools`).
  bool uses_expert_parallel() const {
    for (const auto& p : pools)
      if (p.expert_parallel > 0) return true;
    return false;
  }
  // Prefill–decode disaggregation (docs/disaggregation.md); 0 prefill instances = colocated.
  int prefill_instances = 0;
  int decode_instances = 0;
  double kv_link_bw_bytes_per_s = 50e9;  // each instance's NIC to the switch, per direction
  double kv_link_latency_s = 2e-6;
  bool kv_transfer_per_layer = false;
  bool disaggregated() const { return prefill_instances > 0; }
  // Link presets (configs/hardware/link-*.yaml) for the KV and TP links; empty = the figures.
  std::string kv_link;
  std::string tp_link;
  // The instance pools that run, in order (cluster_pools.hpp): filled by the loader from
  // cluster.pools or from the single-pool keys above.
  std::vector<PoolSpec> pools;
  bool explicit_pools = false;  // `pools` came from cluster.pools (not the single-pool keys)
  Selection router;
  Selection migration;  // live migration between colocated instances (docs/serving.md)
  // Llumnix auto-scaling (cluster.autoscale; docs/serving.md): `instances` is the initial
  // count and max_instances (resolved by the loader) the number of instances built.
  policy::FreenessScaling::Config autoscale;
  systems::InstanceConfig instance;
  Selection batching;
  Selection fairness;  // whose waiting request is admitted next (docs/fairness.md)
  policy::TenantWeights tenant_weights;
  double service_input_price = 1;
  double service_output_price = 2;
  double service_window_s = 60;
  Selection workload;
  // Prefix caching (docs/prefix-cache.md); off by default.
  bool prefix_cache = false;
  bool prefix_radix = false;  // radix structure (leaf-only eviction) instead of hashed
  double prefix_host_tier_bytes = 0;  // per instance; 0 = no host tier
  // Disaggregated: a finished request's KV on its decode instance is copied back to the
  // prefill instance's cache (what that cache lacks) instead of dropped.
  bool prefix_decode_output_to_prefill = false;
  Selection eviction;
  double slo_ttft_s = 0;
  double slo_tpot_s = 0;
  // Instance failures (docs/faults.md); absent: none.
  std::optional<systems::FaultConfig> faults;
  // Every section's resolved parameters, in scenario order, for summary.json.
  std::vector<std::pair<std::string, Params>> resolved;
};

}  // namespace xpusim::scenario
