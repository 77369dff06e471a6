#include "xpusim/systems/instance_config.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

const ParamBinding<InstanceConfig>& InstanceConfig::binding() {
  using C = InstanceConfig;
  static const auto b =
      ParamBinding<C>()
          .integer(XPUSIM_KEY(C, block_size), "tokens", "tokens per paged-KV block",
                   {.min = 1, .max = 4096})
          .real(XPUSIM_KEY(C, gpu_memory_utilization), "",
                "fraction of device memory the server uses",
                {.min = 0, .max = 1, .min_exclusive = true})
          .real("activation_reserve_gb", &C::activation_reserve_bytes, "GB",
                "per-device memory kept for activations and workspace", {.min = 0})
          .scale(1e9)
          .integer(XPUSIM_KEY(C, kv_blocks), "blocks",
                   "KV capacity; 0 derives it from device memory", {.min = 0})
          .real("swap_space_gb", &C::swap_space_bytes, "GB",
                "host memory for KV swapped out by preemption_mode: swap (vLLM's default 4 GiB)",
                {.min = 0, .max = 1e6})
          .scale(1e9)
          .integer(XPUSIM_KEY(C, swap_block_group), "blocks",
                   "KV blocks moved by one swap transfer (FastSwitch block groups; 1 = vLLM's "
                   "per-block copies)",
                   {.min = 1, .max = 1 << 20})
          .real("swap_transfer_overhead_us", &C::swap_transfer_overhead_s, "us",
                "fixed setup time of each swap transfer, on top of bytes / PCIe bandwidth",
                {.min = 0, .max = 1e6})
          .scale(1e-6)
          .boolean(XPUSIM_KEY(C, swap_overlap),
                   "swap transfers overlap the iteration's compute, which waits only for what "
                   "is left of them (FastSwitch's asynchronous swap; false = vLLM's blocking "
                   "swap before the step)")
          .boolean(XPUSIM_KEY(C, swap_reuse),
                   "a host copy of a swapped sequence's full blocks is kept after swap-in, so a "
                   "later swap-out copies only the blocks written since (FastSwitch's KV reuse)")
          .choice(XPUSIM_KEY(C, queue_order),
                  {{"arrival", C::QueueOrder::Arrival}, {"program", C::QueueOrder::Program}},
                  "waiting-queue order: arrival (FCFS by request, vLLM) or program (FCFS by the "
                  "session's first arrival, so later turns of earlier programs go first; "
                  "Continuum)")
          .boolean(XPUSIM_KEY(C, preempt_for_priority),
                   "priority scheduling as vLLM's --scheduling-policy priority: waiting and "
                   "swapped requests in (priority, arrival) order, and the lowest-priority running "
                   "requests preempted when the first of them cannot be admitted")
          .integer(XPUSIM_KEY(C, reprioritize_every), "iterations",
                   "with preempt_for_priority: every this many iterations each request's priority "
                   "becomes its tenant's standing under the fairness policy (least service "
                   "first; FastSwitch's fairness-driven preemption); 0 = the requests' own "
                   "priorities",
                   {.min = 0, .max = 1 << 30});
  return b;
}

double placed_weight_bytes(const model::ModelSpec& model, const model::Placement& placement) {
  const double routed = double(model.moe_layers()) * model.num_experts * model.expert_params() *
                        hw::bytes_per_element(model.dtype);
  if (placement.offload_cached_experts >= 0)
    return model.weight_bytes() - routed + double(model.moe_layers()) *
                                               placement.offload_cached_experts *
                                               model.expert_params() *
                                               hw::bytes_per_element(model.dtype);
  if (placement.expert_parallel <= 1) return model.weight_bytes();
  return placement.expert_parallel * (model.weight_bytes() - routed) + routed;
}

std::int64_t derive_kv_blocks(const InstanceConfig& config, const model::ModelSpec& model,
                              const model::Placement& placement) {
  const double devices =
      placement.expert_parallel > 1 ? placement.expert_parallel : placement.tensor_parallel;
  const double weights = placed_weight_bytes(model, placement);
  if (config.kv_blocks > 0) {
    // A given block count is taken as is (it may mirror a measured deployment), but it must
    // fit beside the weights in the devices' whole memory: more is no real system.
    const double kv = static_cast<double>(config.kv_blocks) * model.kv_bytes_per_token() *
                      config.block_size;
    const double room = devices * placement.device.memory_bytes - weights;
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
  const double kv_bytes = usable - weights - devices * config.activation_reserve_bytes;
  const double per_block = model.kv_bytes_per_token() * config.block_size;
  const double blocks = kv_bytes > 0 ? std::floor(kv_bytes / per_block) : 0;
  if (blocks < 1) {
    std::ostringstream os;
    os.precision(3);
    os << "model '" << model.name << "' does not fit: weights " << model.weight_bytes() / 1e9
       << " GB + reserves on " << devices << " x '" << placement.device.name << "' ("
       << placement.device.memory_bytes / 1e9 << " GB, utilisation "
       << config.gpu_memory_utilization << ") leave no room for KV blocks; raise "
       << "cluster.tensor_parallel or use a device with more memory";
    throw Error(os.str());
  }
  return static_cast<std::int64_t>(blocks);
}

}  // namespace xpusim::systems
