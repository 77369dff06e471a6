#pragma once
// The plain sections of the moe, moe_offload and ina kinds, each key bound to the field of a
// section struct in the YAML's own units (the field's initialiser is the documented default);
// the kinds' loaders convert these into the runners' configurations.
#include <cstdint>

#include <string>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/workload/zipf_routing.hpp"

namespace xpusim::scenario {

// system: moe, cluster:
struct MoeClusterSection {
  int nodes = 1;
  int gpus_per_node = 8;
  int redundant_experts = 0;
  double nvlink_gbps = 0;  // 0 = the device's scale-up link
  double nvlink_latency_us = 3;
  double network_gbps = 50;
  double network_latency_us = 10;
  static const ParamBinding<MoeClusterSection>& binding();
};

// system: moe, run:
struct MoeRunSection {
  bool training = true;  // mode: training | serving
  int steps = 10;
  int micro_batches = 4;
  std::int64_t tokens_per_micro_batch = 8192;
  int seq_len = 4096;
  bool routing_replay = false;
  double history_weight = 0.5;
  int rebalance_every = 1;
  bool overlap_micro_batch_moves = true;
  static const ParamBinding<MoeRunSection>& binding();
};

// system: moe and moe_offload, routing:
struct MoeRoutingSection {
  bool trace = false;                // source: zipf | trace
  workload::ZipfRoutingConfig zipf;  // its popularity keys; the shape comes from model and run
  std::string path;                  // source trace: the trace, relative to the scenario file
  static const ParamBinding<MoeRoutingSection>& binding();
};

// system: serving, expert_parallel: (with cluster.expert_parallel > 0). The link keys are the
// moe kind's cluster keys; rebalance_every and history_weight its run keys, in iterations.
struct ServingEpSection {
  int gpus_per_node = 8;
  int redundant_experts = 0;
  double nvlink_gbps = 0;  // 0 = the device's scale-up link
  double nvlink_latency_us = 3;
  double network_gbps = 50;
  double network_latency_us = 10;
  int rebalance_every = 1000;  // iterations; 0 = never
  double history_weight = 0.5;
  bool overlap_weight_moves = false;
  bool two_batch_overlap = false;  // two micro-batches, all-to-all behind compute
  static const ParamBinding<ServingEpSection>& binding();
};

// system: moe_offload, run:
struct OffloadRunSection {
  bool prefill = false;  // phase: decode | prefill
  int iterations = 64;
  std::int64_t tokens_per_iteration = 1;
  int seq_len = 1024;
  static const ParamBinding<OffloadRunSection>& binding();
};

// system: moe_offload, cache:
struct OffloadCacheSection {
  int experts_per_layer = 16;
  double pcie_gbps = 0;  // 0 = the device's PCIe
  double pcie_latency_us = 10;
  bool profiled = false;  // warm_start: lowest | profiled
  int profile_iterations = 32;
  static const ParamBinding<OffloadCacheSection>& binding();
};

// system: moe_offload, cpu:
struct OffloadCpuSection {
  double tflops = 1;
  double memory_bw_gbps = 200;
  double launch_us = 100;
  static const ParamBinding<OffloadCpuSection>& binding();
};

// system: ina, metrics:
struct InaMetricsSection {
  double utilization_bin_ms = 1;
  static const ParamBinding<InaMetricsSection>& binding();
};

}  // namespace xpusim::scenario
