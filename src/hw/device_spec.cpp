#include "xpusim/hw/device_spec.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "xpusim/core/error.hpp"

namespace xpusim::hw {
namespace {

constexpr double kTera = 1e12;
constexpr double kGiga = 1e9;
const Bounds kPositive{.min = 0, .min_exclusive = true};
const Bounds kNonNegative{.min = 0};

}  // namespace

double DeviceSpec::peak_flops(DType dtype) const {
  double peak = 0;
  switch (dtype) {
    case DType::Fp32:
      peak = peak_fp32_flops;
      break;
    case DType::Bf16:
    case DType::Fp16:
      peak = peak_bf16_flops;
      break;
    case DType::Fp8:
      peak = peak_fp8_flops;
      break;
    case DType::Int8:
      peak = peak_int8_ops;
      break;
    case DType::Int4:
      peak = 0;
      break;  // no preset declares native int4 math (FP4 is a float format: peak_fp4_flops)
  }
  if (peak <= 0) throw Error("device '" + name + "' has no " + to_string(dtype) + " compute peak");
  return peak;
}

double DeviceSpec::activity(double compute_util, double memory_util) const {
  return std::clamp(std::max(compute_power_weight * compute_util, memory_power_weight * memory_util),
                    0.0, 1.0);
}

double DeviceSpec::busy_power_w(double activity) const {
  const double base = held_power_w > 0 ? held_power_w : idle_power_w;
  return base + (max_power_w - base) * activity;
}

double DeviceSpec::max_activity() const {
  if (power_cap_w <= 0 || power_cap_w >= max_power_w) return 1.0;
  const double base = held_power_w > 0 ? held_power_w : idle_power_w;
  return std::clamp((power_cap_w - base) / (max_power_w - base), 0.0, 1.0);
}

ParamSchema device_schema() {
  ParamSchema s;
  s.string("name", "", "device name (a preset's file name when left empty)")
      .choice("kind", "gpu", {"gpu", "cpu", "igpu", "npu"},
              "device kind (gpu; cpu, igpu, npu are the engines of an SoC, see docs/soc.md)")
      .real("peak_fp32_tflops", std::nullopt, "TFLOP/s", "dense FP32 peak (no TF32)", kPositive)
      .real("peak_bf16_tflops", std::nullopt, "TFLOP/s", "dense BF16/FP16 tensor peak", kPositive)
      .real("peak_fp8_tflops", 0.0, "TFLOP/s", "dense FP8 tensor peak; 0 = unsupported",
            kNonNegative)
      .real("peak_int8_tops", 0.0, "TOP/s", "dense INT8 tensor peak; 0 = unsupported", kNonNegative)
      .real("memory_gb", std::nullopt, "GB", "device memory capacity (1 GB = 1e9 bytes)", kPositive)
      .real("memory_bw_gbps", std::nullopt, "GB/s", "peak device-memory bandwidth", kPositive)
      .real("idle_power_w", std::nullopt, "W", "board power with nothing running", kNonNegative)
      .real("max_power_w", std::nullopt, "W", "board power at full activity (TDP)", kPositive)
      .real("scaleup_bw_gbps", 0.0, "GB/s",
            "per-GPU scale-up link bandwidth per direction (NVLink); 0 = none", kNonNegative)
      .real("pcie_bw_gbps", 0.0, "GB/s", "host link bandwidth per direction; 0 = none",
            kNonNegative)
      .real("peak_fp4_tflops", 0.0, "TFLOP/s", "dense FP4 tensor peak; 0 = unsupported",
            kNonNegative)
      .integer("scaleup_domain", 0, "",
               "devices one scale-up fabric joins (8 in an HGX board, 72 in NVL72); 0 = unstated",
               {.min = 0})
      .real("scaleout_bw_gbps", 0.0, "GB/s",
            "per-device scale-out NIC bandwidth per direction (InfiniBand/RoCE); 0 = none",
            kNonNegative)
      .real("compute_power_weight", 1.0, "ratio",
            "dynamic-power weight of compute utilisation (activity = max of the weighted "
            "utilisations)",
            kPositive)
      .real("memory_power_weight", 1.0, "ratio",
            "dynamic-power weight of memory-bandwidth utilisation (below 1: memory-bound work "
            "draws less than compute-bound work at the same utilisation)",
            kPositive)
      .real("held_power_w", 0.0, "W",
            "power while a serving engine holds the idle device (context live, clocks up); 0 = "
            "idle_power_w",
            kNonNegative)
      .real("hold_s", 5.0, "s",
            "time after the last work during which an idle device draws held_power_w before "
            "falling to idle_power_w",
            {.min = 0, .max = 1e9})
      .real("power_cap_w", 0.0, "W",
            "board power limit (nvidia-smi -pl); compute slows so power stays under it; 0 = none",
            kNonNegative);
  return s;
}

namespace {

// Representable device figures (docs/errors.md, "Representable sizes"). Every rate and size is
// at most 1e6 of its unit (1e6 TFLOP/s = an exaFLOP/s per device, 1e6 GB = a petabyte, 1e6
// GB/s = a PB/s, 1e6 W): ~500x the largest data-sheet figure, and low enough that durations
// of one byte or FLOP stay above the 1 ns resolution's rounding noise. A nonzero rate is at
// least 1e-6 of its unit (1 MFLOP/s, 1 KB/s), so no single operator of a model within the
// model limits lasts past the int64-ns horizon for want of throughput alone.
constexpr double kMaxFigure = 1e6;
constexpr double kMinRate = 1e-6;

void check_figure(const Params& params, const char* key, bool is_rate) {
  const double v = params.real(key);
  char got[32];
  std::snprintf(got, sizeof got, "%g", v);
  if (v > kMaxFigure)
    throw ParamError(key, std::string("expected at most 1e+06, got ") + got +
                              " (larger figures are not representable)");
  if (is_rate && v > 0 && v < kMinRate)
    throw ParamError(key, std::string("expected 0 or at least 1e-06, got ") + got +
                              " (slower rates make operator times overflow int64 ns)");
}

}  // namespace

DeviceSpec device_spec_from_params(const Params& params) {
  for (const char* key : {"peak_fp32_tflops", "peak_bf16_tflops", "peak_fp8_tflops",
                          "peak_int8_tops", "memory_bw_gbps", "scaleup_bw_gbps", "pcie_bw_gbps"})
    check_figure(params, key, true);
  for (const char* key : {"memory_gb", "idle_power_w", "max_power_w"})
    check_figure(params, key, false);
  DeviceSpec d;
  d.name = params.string("name");
  d.kind = params.string("kind");
  d.peak_fp32_flops = params.real("peak_fp32_tflops") * kTera;
  d.peak_bf16_flops = params.real("peak_bf16_tflops") * kTera;
  d.peak_fp8_flops = params.real("peak_fp8_tflops") * kTera;
  d.peak_int8_ops = params.real("peak_int8_tops") * kTera;
  d.memory_bytes = params.real("memory_gb") * kGiga;
  d.memory_bw_bytes_per_s = params.real("memory_bw_gbps") * kGiga;
  d.idle_power_w = params.real("idle_power_w");
  d.max_power_w = params.real("max_power_w");
  d.scaleup_bw_bytes_per_s = params.real("scaleup_bw_gbps") * kGiga;
  d.pcie_bw_bytes_per_s = params.real("pcie_bw_gbps") * kGiga;
  d.peak_fp4_flops = params.real("peak_fp4_tflops") * kTera;
  d.scaleup_domain = static_cast<int>(params.integer("scaleup_domain"));
  d.scaleout_bw_bytes_per_s = params.real("scaleout_bw_gbps") * kGiga;
  d.compute_power_weight = params.real("compute_power_weight");
  d.memory_power_weight = params.real("memory_power_weight");
  d.held_power_w = params.real("held_power_w");
  d.hold_s = params.real("hold_s");
  d.power_cap_w = params.real("power_cap_w");
  // Single-field bounds are checked by resolve_params; these rules span fields.
  if (d.idle_power_w > d.max_power_w)
    throw ParamError("idle_power_w", "idle_power_w (" + format_value(d.idle_power_w) +
                                         " W) exceeds max_power_w (" + format_value(d.max_power_w) +
                                         " W)");
  if (d.peak_fp32_flops > d.peak_bf16_flops)
    throw ParamError("peak_fp32_tflops",
                     "peak_fp32_tflops exceeds peak_bf16_tflops: 16-bit tensor math is never "
                     "slower than FP32 on the devices modelled (units mixed up?)");
  if (d.held_power_w > 0 && (d.held_power_w < d.idle_power_w || d.held_power_w > d.max_power_w))
    throw ParamError("held_power_w", "held_power_w (" + format_value(d.held_power_w) +
                                         " W) must lie between idle_power_w and max_power_w");
  const double base = d.held_power_w > 0 ? d.held_power_w : d.idle_power_w;
  if (d.power_cap_w > 0 && d.power_cap_w <= base)
    throw ParamError("power_cap_w", "power_cap_w (" + format_value(d.power_cap_w) +
                                        " W) must exceed the device's idle (or held) power (" +
                                        format_value(base) + " W)");
  return d;
}

}  // namespace xpusim::hw
