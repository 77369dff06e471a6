#include "xpusim/hw/soc_spec.hpp"

#include "xpusim/core/error.hpp"

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

void declare_engine(ParamSchema& s, EngineKind e) {
  const std::string n = engine_name(e);
  s.real(key(e, "peak_fp16_tflops"), std::nullopt, "TFLOP/s", n + ": dense FP16 peak", kPositive)
      .real(key(e, "peak_int8_tops"), 0.0, "TOP/s", n + ": dense INT8 peak; 0 = no INT8 path",
            kNonNegative)
      .real(key(e, "dense_efficiency"), std::nullopt, "",
            n + ": fraction of peak reached by static-shape GEMMs; 0 = cannot run them", kFraction)
      .real(key(e, "prefill_attention_efficiency"), std::nullopt, "",
            n + ": fraction of peak reached by prefill (fixed-chunk) attention; 0 = cannot run it",
            kFraction)
      .real(key(e, "decode_attention_efficiency"), std::nullopt, "",
            n + ": fraction of peak reached by decode attention over a growing KV cache "
                "(dynamic shape); 0 = cannot run it",
            kFraction)
      .real(key(e, "memory_efficiency"), std::nullopt, "",
            n + ": fraction of DDR peak bandwidth it reaches alone",
            {.min = 0, .max = 1, .min_exclusive = true})
      .real(key(e, "dispatch_us"), 0.0, "us",
            n + ": fixed cost per operator group (launch, submission)", kNonNegative)
      .real(key(e, "idle_power_w"), std::nullopt, "W", n + ": power while idle", kNonNegative)
      .real(key(e, "busy_power_w"), std::nullopt, "W", n + ": power while running work", kPositive);
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

ParamSchema soc_schema() {
  ParamSchema s;
  s.string("name", "", "SoC name (a preset's file name when left empty)")
      .real("ddr_gb", std::nullopt, "GB", "shared LPDDR capacity (1 GB = 1e9 bytes)", kPositive)
      .real("ddr_bw_gbps", std::nullopt, "GB/s", "shared LPDDR peak bandwidth", kPositive);
  for (EngineKind e : kEngines) declare_engine(s, e);
  for (EngineKind v : kEngines)
    for (EngineKind a : kEngines)
      if (v != a)
        s.real(std::string(engine_name(v)) + "_slowdown_by_" + engine_name(a), std::nullopt, "x",
               std::string("factor on the ") + engine_name(v) + "'s memory time while the " +
                   engine_name(a) + " runs fully memory-bound work (1 = no interference)",
               {.min = 1, .max = 100});
  return s;
}

SocSpec soc_spec_from_params(const Params& p) {
  SocSpec soc;
  soc.name = p.string("name");
  soc.ddr_bytes = p.real("ddr_gb") * 1e9;
  soc.ddr_bw_bytes_per_s = p.real("ddr_bw_gbps") * 1e9;
  for (EngineKind e : kEngines) {
    EngineSpec& es = soc.engines[static_cast<int>(e)];
    es.peak_fp16_flops = p.real(key(e, "peak_fp16_tflops")) * 1e12;
    es.peak_int8_ops = p.real(key(e, "peak_int8_tops")) * 1e12;
    es.efficiency[static_cast<int>(WorkKind::Dense)] = p.real(key(e, "dense_efficiency"));
    es.efficiency[static_cast<int>(WorkKind::PrefillAttention)] =
        p.real(key(e, "prefill_attention_efficiency"));
    es.efficiency[static_cast<int>(WorkKind::DecodeAttention)] =
        p.real(key(e, "decode_attention_efficiency"));
    es.memory_efficiency = p.real(key(e, "memory_efficiency"));
    es.dispatch_ns = seconds_to_ns(p.real(key(e, "dispatch_us")) * 1e-6);
    DeviceSpec& d = es.device;
    d.name = engine_name(e);
    d.kind = engine_name(e);
    d.peak_bf16_flops = es.peak_fp16_flops;
    d.peak_fp32_flops = es.peak_fp16_flops / 2;  // not used for timing; FP32 runs at half rate
    d.peak_int8_ops = es.peak_int8_ops;
    d.memory_bytes = soc.ddr_bytes;
    d.memory_bw_bytes_per_s = soc.ddr_bw_bytes_per_s;
    d.idle_power_w = p.real(key(e, "idle_power_w"));
    d.max_power_w = p.real(key(e, "busy_power_w"));
    if (d.idle_power_w > d.max_power_w)
      throw ParamError(key(e, "idle_power_w"),
                       key(e, "idle_power_w") + " exceeds " + key(e, "busy_power_w"));
    if (!es.supports(WorkKind::Dense))
      throw ParamError(
          key(e, "dense_efficiency"),
          "every engine must run dense GEMMs (an engine that cannot is not an engine)");
  }
  for (EngineKind v : kEngines)
    for (EngineKind a : kEngines)
      soc.slowdown[static_cast<int>(v)][static_cast<int>(a)] =
          v == a ? 1.0 : p.real(std::string(engine_name(v)) + "_slowdown_by_" + engine_name(a));
  return soc;
}

}  // namespace xpusim::hw
