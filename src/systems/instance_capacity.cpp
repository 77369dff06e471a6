#include "xpusim/systems/instance_capacity.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"
#include "xpusim/systems/instance_config.hpp"

namespace xpusim::systems {

policy::InstanceCapacity instance_capacity(const hw::DeviceSpec& device,
                                           const model::ModelSpec& model, int devices,
                                           int expert_parallel) {
  XPUSIM_CHECK(devices >= 1, "instance_capacity: an instance has at least one device");
  XPUSIM_CHECK(expert_parallel <= 1 || expert_parallel == devices,
               "instance_capacity: an expert-parallel instance has G devices");
  const double n = devices;
  policy::InstanceCapacity c;
  const double active = model.active_params();
  model::Placement placement{device, 1, 0, 0};
  placement.expert_parallel = std::max(expert_parallel, 1);
  const double weights = placed_weight_bytes(model, placement);
  if (active > 0) c.prefill_tokens_per_s = n * device.peak_flops(model.dtype) / (2 * active);
  if (weights > 0) c.decode_steps_per_s = n * device.memory_bw_bytes_per_s / weights;
  return c;
}

}  // namespace xpusim::systems
