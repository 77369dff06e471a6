#include "xpusim/systems/instance_capacity.hpp"

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

policy::InstanceCapacity instance_capacity(const hw::DeviceSpec& device,
                                           const model::ModelSpec& model, int devices) {
  XPUSIM_CHECK(devices >= 1, "instance_capacity: an instance has at least one device");
  const double n = devices;
  policy::InstanceCapacity c;
  const double active = model.active_params();
  const double weights = model.weight_bytes();
  if (active > 0) c.prefill_tokens_per_s = n * device.peak_flops(model.dtype) / (2 * active);
  if (weights > 0) c.decode_steps_per_s = n * device.memory_bw_bytes_per_s / weights;
  return c;
}

}  // namespace xpusim::systems
