#pragma once
// What the instances of one serving pool (one hardware kind) share, built from its PoolSpec: the
// device, the execution model, KV sizing, the capacity capacity-aware routers weigh, and with
// expert parallelism or expert offload their cost models; and the run's cost block over every
// pool's devices.
#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "xpusim/hw/device_spec.hpp"
#include "xpusim/model/execution_model.hpp"
#include "xpusim/policy/routing/router.hpp"
#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/scenario_spec.hpp"
#include "xpusim/scenario/serving_offload.hpp"
#include "xpusim/systems/kv_manager.hpp"
#include "xpusim/systems/moe_cost_model.hpp"

namespace xpusim::scenario {

struct ServingPool {
  hw::DeviceSpec device;
  std::unique_ptr<model::ExecutionModel> exec;
  systems::KvSizing sizing;
  std::unique_ptr<systems::MoeCostModel> moe_cost;  // with expert parallelism only
  int devices = 1;                                  // per instance
  OffloadCosts offload;                             // with expert offload only
  policy::InstanceCapacity capacity;                // what capacity-aware routers weigh
};

// Throws xpusim::Error when the execution model cannot be built for the pool's placement.
ServingPool make_serving_pool(const ScenarioSpec& spec, const Catalogs& catalogs,
                              const PoolSpec& pool);

// The cost block (report/cost_summary.hpp): every pool's devices (`pools` in spec.pools' order)
// at their preset price over `simulated_s`, per the tokens served. An auto-scaled cluster (one
// pool) pays for the instance-seconds it provisioned, `instance_seconds` (>= 0), instead of
// `count` instances over the whole run; its usd_per_hour is then the time-weighted mean rate.
nlohmann::json serving_cost(const ScenarioSpec& spec, const std::vector<ServingPool>& pools,
                            double simulated_s, std::int64_t input_tokens,
                            std::int64_t output_tokens, double instance_seconds = -1);

}  // namespace xpusim::scenario
