#include "xpusim/scenario/serving_pool.hpp"

#include "xpusim/model/engine_overhead_model.hpp"
#include "xpusim/report/cost_summary.hpp"
#include "xpusim/scenario/serving_expert_parallel.hpp"
#include "xpusim/systems/instance_capacity.hpp"
#include "xpusim/systems/instance_config.hpp"

namespace xpusim::scenario {

ServingPool make_serving_pool(const ScenarioSpec& spec, const Catalogs& catalogs,
                              const PoolSpec& spec_pool) {
  const hw::DeviceSpec& device = spec_pool.device;
  ServingPool pool;
  pool.device = device;
  pool.devices = spec_pool.devices_per_instance();
  pool.capacity =
      systems::instance_capacity(device, spec.model, pool.devices, spec_pool.expert_parallel);
  model::Placement placement{device, spec_pool.tensor_parallel, spec.tp_link_bw_bytes_per_s,
                             spec.tp_link_latency_s};
  if (const int g = spec_pool.expert_parallel; g > 0) {
    placement.expert_parallel = g;
    pool.moe_cost = make_serving_moe_cost(spec, catalogs, device, g);
  }
  if (spec.expert_offload) {
    placement.offload_cached_experts = spec.offload_cache.experts_per_layer;
    pool.offload = make_serving_offload_costs(spec, catalogs, device);
  }
  pool.exec = catalogs.execution.find(spec.execution.name)
                  ->make(spec.execution.params, spec.model, placement, spec.path.parent_path());
  if (spec.engine)
    pool.exec = std::make_unique<model::EngineOverheadModel>(std::move(pool.exec), *spec.engine);
  const std::int64_t kv_blocks = systems::derive_kv_blocks(spec.instance, spec.model, placement);
  systems::KvSizing& sizing = pool.sizing;
  sizing = systems::KvSizing{kv_blocks, spec.instance.block_size};
  sizing.block_bytes = spec.model.kv_bytes_per_token() * spec.instance.block_size;
  sizing.host_bw_bytes_per_s = pool.devices * device.pcie_bw_bytes_per_s;
  sizing.swap_block_group = spec.instance.swap_block_group;
  sizing.swap_transfer_overhead_s = spec.instance.swap_transfer_overhead_s;
  sizing.swap_overlap = spec.instance.swap_overlap;
  sizing.swap_reuse = spec.instance.swap_reuse;
  if (sizing.host_bw_bytes_per_s > 0)
    sizing.swap_blocks =
        static_cast<std::int64_t>(spec.instance.swap_space_bytes / sizing.block_bytes);
  return pool;
}

nlohmann::json serving_cost(const ScenarioSpec& spec, const std::vector<ServingPool>& pools,
                            double simulated_s, std::int64_t input_tokens,
                            std::int64_t output_tokens, double instance_seconds) {
  if (instance_seconds >= 0 && pools.size() == 1) {  // auto-scaled: pay per instance-second
    nlohmann::json out = report::cost_summary(
        {{pools[0].devices, pools[0].device.cost_per_hour_usd}}, instance_seconds, input_tokens,
        output_tokens);
    if (!out.is_null())
      out["usd_per_hour"] = simulated_s > 0 ? out["usd"].get<double>() * 3600.0 / simulated_s : 0.0;
    return out;
  }
  std::vector<report::PricedDevices> priced;
  for (std::size_t p = 0; p < pools.size(); ++p)
    priced.push_back({std::int64_t{spec.pools[p].count} * pools[p].devices,
                      pools[p].device.cost_per_hour_usd});
  return report::cost_summary(priced, simulated_s, input_tokens, output_tokens);
}

}  // namespace xpusim::scenario
