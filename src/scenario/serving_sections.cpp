#include "xpusim/scenario/serving_sections.hpp"

#include "xpusim/core/params.hpp"

namespace xpusim::scenario {

using S = ScenarioSpec;

const ParamBinding<ScenarioSpec>& cluster_binding() {
  static const auto b =
      ParamBinding<S>()
          .integer(XPUSIM_KEY(S, instances), "", "serving instances behind the router",
                   {.min = 1, .max = 100000})
          .integer(XPUSIM_KEY(S, tensor_parallel), "", "devices per instance (tensor parallelism)",
                   {.min = 1, .max = 64})
          .integer(XPUSIM_KEY(S, expert_parallel), "",
                   "GPUs per instance of an MoE model that hold its experts (expert "
                   "parallelism; attention data-parallel over them, tensor_parallel 1); 0 = off",
                   {.min = 0, .max = 1024})
          .integer(XPUSIM_KEY(S, decode_expert_parallel), "",
                   "expert_parallel of the decode pool when disaggregated (DeepSeek runs prefill "
                   "at EP32 and decode at EP144); 0 = expert_parallel",
                   {.min = 0, .max = 1024})
          .real("tp_link_bw_gbps", &S::tp_link_bw_bytes_per_s, "GB/s",
                "tensor-parallel all-reduce bandwidth per direction; 0 = the device's scale-up "
                "link",
                {.min = 0})
          .scale(1e9)
          .real("tp_link_latency_us", &S::tp_link_latency_s, "us",
                "latency added to each tensor-parallel all-reduce; 0 = the device's "
                "allreduce_latency_us",
                {.min = 0})
          .scale(1e-6)
          .integer(XPUSIM_KEY(S, prefill_instances), "",
                   "prefill-only instances (disaggregation); 0 = every instance does both phases",
                   {.min = 0, .max = 100000})
          .integer(XPUSIM_KEY(S, decode_instances), "",
                   "decode-only instances; required with prefill_instances, which then replace "
                   "`instances`",
                   {.min = 0, .max = 100000})
          .real("kv_link_gbps", &S::kv_link_bw_bytes_per_s, "GB/s",
                "KV-transfer bandwidth of each instance's network link to the switch, per "
                "direction",
                {.min = 1e-6})
          .scale(1e9)
          .real("kv_link_latency_us", &S::kv_link_latency_s, "us",
                "latency of each instance's link to the switch", {.min = 0})
          .scale(1e-6)
          .string(XPUSIM_KEY(S, kv_link),
                  "link preset (configs/hardware/link-*.yaml, e.g. link-ib-ndr) giving "
                  "kv_link_gbps and kv_link_latency_us; empty = those keys")
          .string(XPUSIM_KEY(S, tp_link),
                  "link preset (e.g. link-nvlink4) giving tp_link_bw_gbps and "
                  "tp_link_latency_us; empty = those keys")
          .choice("kv_transfer", &S::kv_transfer_per_layer, {{"whole", false}, {"per_layer", true}},
                  "send the KV after the prefill (whole) or layer by layer during it, leaving "
                  "only the last layer's share (per_layer, Splitwise)");
  return b;
}

const ParamBinding<ScenarioSpec>& prefix_cache_binding() {
  static const auto b =
      ParamBinding<S>()
          .boolean("enabled", &S::prefix_cache,
                   "reuse KV blocks across requests that share a prompt prefix (needs a workload "
                   "with prefix hashes: trace with hash_ids, or the session source)")
          .choice("structure", &S::prefix_radix, {{"hashed", false}, {"radix", true}},
                  "hashed: any unreferenced cached block may be evicted (vLLM); radix: only "
                  "unreferenced leaves (SGLang)")
          .choice("decode_output", &S::prefix_decode_output_to_prefill,
                  {{"drop", false}, {"to_prefill", true}},
                  "disaggregated: a finished request's KV on its decode instance is dropped "
                  "(drop) or the full blocks its prefill instance's cache lacks are copied back "
                  "over the KV link and cached there, so the session's next turn reuses its "
                  "output (to_prefill; docs/prefix-cache.md)")
          .real("host_tier_gb", &S::prefix_host_tier_bytes, "GB",
                "second tier in host memory per instance: evicted blocks are kept there (LRU) "
                "and copied back over PCIe on a hit; 0 = none",
                {.min = 0, .max = 1e6})
          .scale(1e9);
  return b;
}

const ParamBinding<ScenarioSpec>& slo_binding() {
  static const auto b =
      ParamBinding<S>()
          .real("ttft_s", &S::slo_ttft_s, "s", "time-to-first-token SLO for goodput; 0 = none",
                {.min = 0})
          .real("tpot_s", &S::slo_tpot_s, "s", "time-per-output-token SLO for goodput; 0 = none",
                {.min = 0});
  return b;
}

namespace {

std::string weights_text(const policy::TenantWeights& w) {
  std::string out;
  for (double v : w.weights) out += (out.empty() ? "" : ",") + format_value(v);
  return out;
}

}  // namespace

const ParamBinding<ScenarioSpec>& tenants_binding() {
  static const auto b =
      ParamBinding<S>()
          .parsed_string(
              "weights",
              [](S& s, const ParamValue& v) {
                s.tenant_weights = policy::parse_tenant_weights(std::get<std::string>(v), "weights");
              },
              [](const S& s) { return ParamValue(weights_text(s.tenant_weights)); },
              "comma-separated weight per tenant index (e.g. 1,2); missing tenants weigh 1. "
              "Used by weighted fairness policies and the service metrics")
          .real("input_price", &S::service_input_price, "",
                "service metrics: weight of one prompt token", {.min = 0})
          .real("output_price", &S::service_output_price, "",
                "service metrics: weight of one output token", {.min = 0})
          .real("window_s", &S::service_window_s, "s",
                "service metrics: window over which backlogged tenants' service is compared",
                {.min = 1e-3, .max = 1e9});
  return b;
}

}  // namespace xpusim::scenario
