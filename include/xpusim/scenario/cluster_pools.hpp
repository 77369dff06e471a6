#pragma once
// `cluster.pools`: a serving cluster of several instance pools, each with its own hardware,
// instance count, role, tensor and expert parallelism (docs/serving.md, "Mixed clusters"). The
// single-pool keys (instances, tensor_parallel, prefill_instances, decode_instances,
// decode_hardware) are read as one pool (or a prefill and a decode pool), so every scenario
// runs through the same list.
#include <string>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/hw/device_spec.hpp"
#include "xpusim/hw/interconnect_spec.hpp"

namespace xpusim::scenario {

struct ScenarioSpec;
class KindReader;

enum class PoolRole { Both, Prefill, Decode };

struct PoolSpec {
  // A preset name or .yaml path; empty = the `hardware` section's device. In the document it
  // may also be a map ({preset: NAME, KEY: override} or a whole inline device), read as the
  // `hardware` section is; then this stays empty and `device` holds the result.
  std::string hardware;
  hw::DeviceSpec device;  // resolved (not a key)
  int count = 1;
  PoolRole role = PoolRole::Both;
  int tensor_parallel = 1;
  // GPUs per instance holding an MoE model's experts (attention data-parallel over them,
  // tensor_parallel 1); 0 = off (docs/moe.md, "Expert parallelism in serving").
  int expert_parallel = 0;
  int devices_per_instance() const { return expert_parallel > 0 ? expert_parallel : tensor_parallel; }
  // The scalar keys of one cluster.pools item (hardware as a name, count, role,
  // tensor_parallel, expert_parallel).
  static const ParamBinding<PoolSpec>& binding();
};

// Fills spec.pools: from `cluster.pools` when given (then spec.instances, prefill_instances
// and decode_instances are the pools' totals, and the single-pool keys are errors), else from
// the single-pool keys (call after they are bound and checked). Resolves cluster.kv_link and
// cluster.tp_link link presets into the link figures. Records each pool as
// "cluster.pools[k]" and takes from `cluster` (the cluster section's record) the keys that do
// not apply, so the resolved scenario loads back. Errors go to the reader's Diagnostics.
void read_cluster_pools(KindReader& r, ScenarioSpec& spec, Params& cluster);

// Whether the document gives cluster.pools.
bool has_cluster_pools(const KindReader& r);

}  // namespace xpusim::scenario
