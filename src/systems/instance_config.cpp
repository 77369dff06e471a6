#include "xpusim/systems/instance_config.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

ParamSchema InstanceConfig::schema() {
  ParamSchema s;
  s.integer("block_size", 16, "tokens", "tokens per paged-KV block", {.min = 1, .max = 4096})
      .real("gpu_memory_utilization", 0.9, "", "fraction of device memory the server uses",
            {.min = 0, .max = 1, .min_exclusive = true})
      .real("activation_reserve_gb", 1.0, "GB",
            "per-device memory kept for activations and workspace", {.min = 0})
      .integer("kv_blocks", 0, "blocks", "KV capacity; 0 derives it from device memory",
               {.min = 0})
      .real("swap_space_gb", 4.0, "GB",
            "host memory for KV swapped out by preemption_mode: swap (vLLM's default 4 GiB)",
            {.min = 0, .max = 1e6})
      .integer("swap_block_group", 1, "blocks",
               "KV blocks moved by one swap transfer (FastSwitch block groups; 1 = vLLM's "
               "per-block copies)", {.min = 1, .max = 1 << 20})
      .real("swap_transfer_overhead_us", 0.0, "us",
            "fixed setup time of each swap transfer, on top of bytes / PCIe bandwidth",
            {.min = 0, .max = 1e6});
  return s;
}

InstanceConfig InstanceConfig::from(const Params& p) {
  InstanceConfig c;
  c.block_size = static_cast<std::int32_t>(p.integer("block_size"));
  c.gpu_memory_utilization = p.real("gpu_memory_utilization");
  c.activation_reserve_bytes = p.real("activation_reserve_gb") * 1e9;
  c.kv_blocks = p.integer("kv_blocks");
  c.swap_space_bytes = p.real("swap_space_gb") * 1e9;
  c.swap_block_group = p.integer("swap_block_group");
  c.swap_transfer_overhead_s = p.real("swap_transfer_overhead_us") * 1e-6;
  return c;
}

std::int64_t derive_kv_blocks(const InstanceConfig& config, const model::ModelSpec& model,
                              const model::Placement& placement) {
  const double devices = placement.tensor_parallel;
  if (config.kv_blocks > 0) {
    // A given block count is taken as is (it may mirror a measured deployment), but it must
    // fit beside the weights in the devices' whole memory: more is no real system.
    const double kv = static_cast<double>(config.kv_blocks) * model.kv_bytes_per_token() *
                      config.block_size;
    const double room = devices * placement.device.memory_bytes - model.weight_bytes();
    if (kv > room) {
      std::ostringstream os;
      os.precision(3);
      os << "key 'instance.kv_blocks': " << config.kv_blocks << " blocks of "
         << config.block_size << " tokens need " << kv / 1e9 << " GB, but " << devices
         << " x '" << placement.device.name << "' (" << placement.device.memory_bytes / 1e9
         << " GB each) hold " << std::max(room, 0.0) / 1e9
         << " GB beside the weights (expected kv_blocks <= "
         << static_cast<long long>(std::max(room, 0.0) / (model.kv_bytes_per_token() * config.block_size))
         << ", or 0 to derive it)";
      throw Error(os.str());
    }
    return config.kv_blocks;
  }
  const double usable = devices * placement.device.memory_bytes * config.gpu_memory_utilization;
  const double kv_bytes = usable - model.weight_bytes() - devices * config.activation_reserve_bytes;
  const double per_block = model.kv_bytes_per_token() * config.block_size;
  const double blocks = kv_bytes > 0 ? std::floor(kv_bytes / per_block) : 0;
  if (blocks < 1) {
    std::ostringstream os;
    os.precision(3);
    os << "model '" << model.name << "' does not fit: weights " << model.weight_bytes() / 1e9
       << " GB + reserves on " << placement.tensor_parallel << " x '" << placement.device.name
       << "' (" << placement.device.memory_bytes / 1e9 << " GB, utilisation "
       << config.gpu_memory_utilization << ") leave no room for KV blocks; raise "
       << "cluster.tensor_parallel or use a device with more memory";
    throw Error(os.str());
  }
  return static_cast<std::int64_t>(blocks);
}

}  // namespace xpusim::systems
