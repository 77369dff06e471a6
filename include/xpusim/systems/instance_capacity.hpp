#pragma once
// What one serving instance can do at best, from the data sheet: the roofline ceilings of its
// two phases. Routers for mixed-hardware clusters weigh instances by these (docs/serving.md,
// "Mixed clusters"); they are ratios between instances, not predictions of throughput.
#include "xpusim/hw/device_spec.hpp"
#include "xpusim/model/model_spec.hpp"
#include "xpusim/policy/routing/router.hpp"

namespace xpusim::systems {

// Contract: `devices` >= 1 devices of `device` hold `model`'s weights between them: one copy
// under tensor parallelism (`expert_parallel` <= 1), or under expert parallelism
// (`expert_parallel` = `devices` = G) every weight but the routed experts on each device and the
// routed experts split over them, G x (weights - routed) + routed in all (placed_weight_bytes).
//   prefill_tokens_per_s = devices x peak(model.dtype) / (2 x model.active_params())
//     (a compute-bound prefill does 2 FLOPs per active weight per token);
//   decode_steps_per_s = devices x memory_bw / placed weight bytes
//     (a bandwidth-bound decode step reads every placed weight once, the devices in parallel).
// Throws xpusim::Error when the device has no peak for the model's data type.
policy::InstanceCapacity instance_capacity(const hw::DeviceSpec& device,
                                           const model::ModelSpec& model, int devices,
                                           int expert_parallel = 0);

}  // namespace xpusim::systems
