#include "xpusim/scenario/kind_sections.hpp"

namespace xpusim::scenario {

const ParamBinding<MoeClusterSection>& MoeClusterSection::binding() {
  using C = MoeClusterSection;
  static const auto b =
      ParamBinding<C>()
          .integer(XPUSIM_KEY(C, nodes), "", "nodes of the expert-parallel group",
                   {.min = 1, .max = 1024})
          .integer(XPUSIM_KEY(C, gpus_per_node), "", "GPUs per node (NVLink inside a node)",
                   {.min = 1, .max = 256})
          .integer(XPUSIM_KEY(C, redundant_experts), "",
                   "extra expert slots per MoE layer beyond one per expert; experts + redundant "
                   "must be a multiple of the GPU count",
                   {.min = 0, .max = 100000})
          .real(XPUSIM_KEY(C, nvlink_gbps), "GB/s",
                "per-GPU NVLink bandwidth per direction; 0 = the device's scale-up link",
                {.min = 0})
          .real(XPUSIM_KEY(C, nvlink_latency_us), "us",
                "latency added to a collective inside a node", {.min = 0})
          .real(XPUSIM_KEY(C, network_gbps), "GB/s",
                "per-GPU network (NIC) bandwidth per direction", {.min = 1e-6})
          .real(XPUSIM_KEY(C, network_latency_us), "us",
                "latency added to a collective that crosses nodes", {.min = 0});
  return b;
}

const ParamBinding<MoeRunSection>& MoeRunSection::binding() {
  using C = MoeRunSection;
  static const auto b =
      ParamBinding<C>()
          .choice("mode", &C::training, {{"training", true}, {"serving", false}},
                  "training: micro-batches with forward and backward; serving: forward-only "
                  "decode iterations")
          .integer(XPUSIM_KEY(C, steps), "", "training steps, or serving iterations",
                   {.min = 1, .max = 100000000})
          .integer(XPUSIM_KEY(C, micro_batches), "", "micro-batches per training step (serving: 1)",
                   {.min = 1, .max = 4096})
          .integer(XPUSIM_KEY(C, tokens_per_micro_batch), "",
                   "tokens of one micro-batch (serving: decode sequences per iteration) over the "
                   "whole expert-parallel group",
                   {.min = 1, .max = 100000000})
          .integer(XPUSIM_KEY(C, seq_len), "",
                   "training sequence length; serving: cached context per sequence",
                   {.min = 1, .max = 10000000})
          .boolean(XPUSIM_KEY(C, routing_replay),
                   "placement sees the coming batch's and micro-batch's exact loads (RL routing "
                   "replay) instead of a moving average of history")
          .real(XPUSIM_KEY(C, history_weight), "",
                "weight of the newest batch in the moving average of loads",
                {.min = 0, .max = 1, .min_exclusive = true})
          .integer(XPUSIM_KEY(C, rebalance_every), "",
                   "global batches between batch-level placements", {.min = 1, .max = 1000000})
          .boolean(XPUSIM_KEY(C, overlap_micro_batch_moves),
                   "per-micro-batch weight copies run during the previous micro-batch (only the "
                   "excess is exposed)");
  return b;
}

const ParamBinding<MoeRoutingSection>& MoeRoutingSection::binding() {
  using C = MoeRoutingSection;
  static const auto b =
      ParamBinding<C>()
          .choice("source", &C::trace, {{"zipf", false}, {"trace", true}},
                  "zipf: synthetic skewed, drifting routing; trace: replay a routing trace file")
          .group(workload::ZipfRoutingConfig::binding(), &C::zipf)
          .string(XPUSIM_KEY(C, path),
                  "routing trace (CSV, docs/moe.md), relative to the scenario file; source trace "
                  "only");
  return b;
}

const ParamBinding<ServingEpSection>& ServingEpSection::binding() {
  using C = ServingEpSection;
  static const auto b =
      ParamBinding<C>()
          .integer(XPUSIM_KEY(C, gpus_per_node), "",
                   "GPUs per node (NVLink inside a node, the network across nodes)",
                   {.min = 1, .max = 256})
          .integer(XPUSIM_KEY(C, redundant_experts), "",
                   "extra expert slots per MoE layer beyond one per expert; experts + redundant "
                   "must be a multiple of cluster.expert_parallel",
                   {.min = 0, .max = 100000})
          .real(XPUSIM_KEY(C, nvlink_gbps), "GB/s",
                "per-GPU NVLink bandwidth per direction; 0 = the device's scale-up link",
                {.min = 0})
          .real(XPUSIM_KEY(C, nvlink_latency_us), "us",
                "latency added to a collective inside a node", {.min = 0})
          .real(XPUSIM_KEY(C, network_gbps), "GB/s",
                "per-GPU network (NIC) bandwidth per direction", {.min = 1e-6})
          .real(XPUSIM_KEY(C, network_latency_us), "us",
                "latency added to a collective that crosses nodes", {.min = 0})
          .integer(XPUSIM_KEY(C, rebalance_every), "",
                   "iterations of an instance between placements from the observed loads (the "
                   "first after this many); 0 = keep the round-robin layout",
                   {.min = 0, .max = 100000000})
          .real(XPUSIM_KEY(C, history_weight), "",
                "weight of the newest iteration in the moving average of loads",
                {.min = 0, .max = 1, .min_exclusive = true})
          .boolean(XPUSIM_KEY(C, overlap_weight_moves),
                   "expert-weight copies of a placement run behind the iteration (only what "
                   "outlasts it shows); false: the iteration waits for them")
          .boolean(XPUSIM_KEY(C, two_batch_overlap),
                   "split each iteration into two micro-batches so one's dispatch/combine "
                   "all-to-all overlaps the other's compute (DeepSeek, SGLang); docs/moe.md");
  return b;
}

const ParamBinding<OffloadRunSection>& OffloadRunSection::binding() {
  using C = OffloadRunSection;
  static const auto b =
      ParamBinding<C>()
          .choice("phase", &C::prefill, {{"decode", false}, {"prefill", true}},
                  "decode: iterations of one new token per sequence; prefill: iterations over "
                  "whole prompts")
          .integer(XPUSIM_KEY(C, iterations), "", "iterations to run", {.min = 1, .max = 100000000})
          .integer(XPUSIM_KEY(C, tokens_per_iteration), "",
                   "decode: sequences per iteration; prefill: prompt tokens",
                   {.min = 1, .max = 100000000})
          .integer(XPUSIM_KEY(C, seq_len), "", "cached context per sequence (attention cost)",
                   {.min = 1, .max = 10000000});
  return b;
}

const ParamBinding<OffloadCacheSection>& OffloadCacheSection::binding() {
  using C = OffloadCacheSection;
  static const auto b =
      ParamBinding<C>()
          .integer(XPUSIM_KEY(C, experts_per_layer), "",
                   "experts each MoE layer keeps resident in GPU memory", {.min = 0, .max = 100000})
          .real(XPUSIM_KEY(C, pcie_gbps), "GB/s",
                "host-to-GPU bandwidth for expert fetches; 0 = the device's PCIe", {.min = 0})
          .real(XPUSIM_KEY(C, pcie_latency_us), "us", "latency added to each expert fetch",
                {.min = 0})
          .choice("warm_start", &C::profiled, {{"lowest", false}, {"profiled", true}},
                  "what each layer's cache starts with: its lowest-numbered experts, or its "
                  "hottest over a profiling run of the same routing (what a static mapping is set "
                  "up from)")
          .integer(XPUSIM_KEY(C, profile_iterations), "",
                   "iterations of the profiling run behind warm_start: profiled",
                   {.min = 1, .max = 1000000});
  return b;
}

const ParamBinding<OffloadCpuSection>& OffloadCpuSection::binding() {
  using C = OffloadCpuSection;
  static const auto b =
      ParamBinding<C>()
          .real(XPUSIM_KEY(C, tflops), "TFLOP/s",
                "achieved bf16 throughput of the CPU expert kernel (AMX/AVX-512)", {.min = 1e-6})
          .real(XPUSIM_KEY(C, memory_bw_gbps), "GB/s",
                "achieved host DRAM bandwidth reading expert weights", {.min = 1e-6})
          .real(XPUSIM_KEY(C, launch_us), "us",
                "fixed cost once per layer that runs experts on the CPU", {.min = 0});
  return b;
}

const ParamBinding<InaMetricsSection>& InaMetricsSection::binding() {
  using C = InaMetricsSection;
  static const auto b = ParamBinding<C>().real(XPUSIM_KEY(C, utilization_bin_ms), "ms",
                                               "width of one row of switch_memory.csv",
                                               {.min = 0, .min_exclusive = true});
  return b;
}

}  // namespace xpusim::scenario
