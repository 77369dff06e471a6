#include "xpusim/hw/soc_spec.hpp"

#include "xpusim/core/error.hpp"
#include "xpusim/hw/npu_shapes.hpp"

namespace xpusim::hw {
namespace {

const Bounds kPositive{.min = 0, .min_exclusive = true};
const Bounds kNonNegative{.min = 0};
const Bounds kFraction{.min = 0, .max = 1};
constexpr std::array<EngineKind, kEngineKinds> kEngines{EngineKind::Cpu, EngineKind::Igpu,
                                                        EngineKind::Npu};

std::string key(EngineKind e, const std::string& field) {
  return std::string(engine_name(e)) + "_" + field;
}

// One engine's keys (cpu_*, igpu_*, npu_*), each bound to its field of engines[e].
void bind_engine(ParamBinding<SocSpec>& b, EngineKind e) {
  const std::string n = engine_name(e);
  const int i = static_cast<int>(e);
  const auto eff = [i](WorkKind w) {
    return [i, w](auto& c) -> auto& { return c.engines[i].efficiency[static_cast<int>(w)]; };
  };
  b.real(key(e, "peak_fp16_tflops"), [i](auto& c) -> auto& { return c.engines[i].peak_fp16_flops; },
         "TFLOP/s", n + ": dense FP16 peak", kPositive)
      .scale(1e12)
      .required()
      .real(key(e, "peak_int8_tops"), [i](auto& c) -> auto& { return c.engines[i].peak_int8_ops; },
            "TOP/s", n + ": dense INT8 peak; 0 = no INT8 path", kNonNegative)
      .scale(1e12)
      .real(key(e, "dense_efficiency"), eff(WorkKind::Dense), "",
            n + ": fraction of peak reached by static-shape GEMMs; 0 = cannot run them", kFraction)
      .required()
      .real(key(e, "prefill_attention_efficiency"), eff(WorkKind::PrefillAttention), "",
            n + ": fraction of peak reached by prefill (fixed-chunk) attention; 0 = cannot run it",
            kFraction)
      .required()
      .real(key(e, "decode_attention_efficiency"), eff(WorkKind::DecodeAttention), "",
            n + ": fraction of peak reached by decode attention over a growing KV cache "
                "(dynamic shape); 0 = cannot run it",
            kFraction)
      .required()
      .real(key(e, "memory_efficiency"), [i](auto& c) -> auto& { return c.engines[i].memory_efficiency; },
            "", n + ": fraction of DDR peak bandwidth it reaches alone",
            {.min = 0, .max = 1, .min_exclusive = true})
      .required()
      .real_via(
          key(e, "dispatch_us"),
          [i](SocSpec& c, double us) { c.engines[i].dispatch_ns = seconds_to_ns(us * 1e-6); },
          [i](const SocSpec& c) { return static_cast<double>(c.engines[i].dispatch_ns) / 1e3; },
          "us", n + ": fixed cost per operator group (launch, submission)", kNonNegative)
      .real(key(e, "idle_power_w"), [i](auto& c) -> auto& { return c.engines[i].device.idle_power_w; },
            "W", n + ": power while idle", kNonNegative)
      .required()
      .real(key(e, "busy_power_w"), [i](auto& c) -> auto& { return c.engines[i].device.max_power_w; },
            "W", n + ": power while running work", kPositive)
      .required()
      .parsed_string(
          key(e, "dvfs_levels"),
          [i, k = key(e, "dvfs_levels")](SocSpec& c, const ParamValue& v) {
            c.engines[i].dvfs_levels = parse_dvfs_levels(std::get<std::string>(v), k);
          },
          [i](const SocSpec& c) { return ParamValue(format_dvfs_levels(c.engines[i].dvfs_levels)); },
          n + ": clock levels clock:voltage (both relative to the top level), slowest first, the "
              "last 1:1; compute runs at clock x peak, busy power is idle + (busy - idle) x clock "
              "x voltage^2; empty = the top level only (docs/soc.md)");
}

// An engine's device as the rest of the simulator sees it, from the SoC's bound figures.
void derive_devices(SocSpec& soc) {
  for (EngineKind e : kEngines) {
    EngineSpec& es = soc.engines[static_cast<int>(e)];
    DeviceSpec& d = es.device;
    d.name = engine_name(e);
    d.kind = engine_name(e);
    d.peak_bf16_flops = es.peak_fp16_flops;
    d.peak_fp32_flops = es.peak_fp16_flops / 2;  // not used for timing; FP32 runs at half rate
    d.peak_int8_ops = es.peak_int8_ops;
    d.memory_bytes = soc.ddr_bytes;
    d.memory_bw_bytes_per_s = soc.ddr_bw_bytes_per_s;
  }
  for (EngineKind v : kEngines) soc.slowdown[static_cast<int>(v)][static_cast<int>(v)] = 1.0;
}

void check_engines(const SocSpec& soc) {
  for (EngineKind e : kEngines) {
    const EngineSpec& es = soc.engine(e);
    if (es.device.idle_power_w > es.device.max_power_w)
      throw ParamError(key(e, "idle_power_w"),
                       key(e, "idle_power_w") + " exceeds " + key(e, "busy_power_w"));
    if (!es.supports(WorkKind::Dense))
      throw ParamError(
          key(e, "dense_efficiency"),
          "every engine must run dense GEMMs (an engine that cannot is not an engine)");
  }
}

}  // namespace

const char* engine_name(EngineKind kind) {
  switch (kind) {
    case EngineKind::Cpu:
      return "cpu";
    case EngineKind::Igpu:
      return "igpu";
    case EngineKind::Npu:
      return "npu";
  }
  return "?";
}

const char* work_name(WorkKind kind) {
  switch (kind) {
    case WorkKind::Dense:
      return "dense";
    case WorkKind::PrefillAttention:
      return "prefill_attention";
    case WorkKind::DecodeAttention:
      return "decode_attention";
  }
  return "?";
}

double EngineSpec::peak_ops(DType weight_dtype) const {
  const bool narrow =
      weight_dtype == DType::Int8 || weight_dtype == DType::Int4 || weight_dtype == DType::Fp8;
  return narrow && peak_int8_ops > 0 ? peak_int8_ops : peak_fp16_flops;
}

const std::vector<DvfsLevel>& EngineSpec::levels() const {
  static const std::vector<DvfsLevel> top{DvfsLevel{}};
  return dvfs_levels.empty() ? top : dvfs_levels;
}

const ParamBinding<SocSpec>& SocSpec::binding() {
  static const ParamBinding<SocSpec> b = [] {
    ParamBinding<SocSpec> out;
    out.string(XPUSIM_KEY(SocSpec, name), "SoC name (a preset's file name when left empty)")
        .real("ddr_gb", &SocSpec::ddr_bytes, "GB", "shared LPDDR capacity (1 GB = 1e9 bytes)",
              kPositive)
        .scale(1e9)
        .required()
        .real("ddr_bw_gbps", &SocSpec::ddr_bw_bytes_per_s, "GB/s", "shared LPDDR peak bandwidth",
              kPositive)
        .scale(1e9)
        .required();
    for (EngineKind e : kEngines) bind_engine(out, e);
    for (EngineKind v : kEngines)
      for (EngineKind a : kEngines)
        if (v != a)
          out.real(std::string(engine_name(v)) + "_slowdown_by_" + engine_name(a),
                 [v = static_cast<int>(v), a = static_cast<int>(a)](auto& c) -> auto& {
                   return c.slowdown[v][a];
                 },
                 "x",
                 std::string("factor on the ") + engine_name(v) + "'s memory time while the " +
                     engine_name(a) + " runs fully memory-bound work (1 = no interference)",
                 {.min = 1, .max = 100})
              .required();
    out.real("kv_budget_gb", &SocSpec::kv_budget_bytes, "GB",
             "shared DDR the flows' KV caches may hold together; a flow is admitted when its "
             "KV (all its turns' tokens) fits beside the admitted flows', else it queues in "
             "arrival order; 0 = all the DDR the model's weights leave",
             kNonNegative)
        .scale(1e9)
        .parsed_string(
            "npu_prefill_shapes",
            [](SocSpec& c, const ParamValue& v) {
              c.npu_prefill_shapes =
                  parse_shape_list(std::get<std::string>(v), "npu_prefill_shapes");
            },
            [](const SocSpec& c) { return ParamValue(format_shape_list(c.npu_prefill_shapes)); },
            "comma-separated static prefill lengths (tokens) the NPU has compiled graphs for: a "
            "prefill chunk runs on the NPU padded to the smallest length >= its own, and a "
            "longer chunk cannot run there; empty = dynamic shapes (no padding)");
    out.derive(derive_devices).rule(check_engines);
    return out;
  }();
  return b;
}

}  // namespace xpusim::hw
