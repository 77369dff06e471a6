#include "xpusim/hw/device_spec.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "xpusim/core/error.hpp"
#include "xpusim/hw/dvfs_levels.hpp"

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

double DeviceSpec::clock_ratio() const {
  return sm_clock_mhz > 0 ? sm_clock_mhz / boost_clock_mhz : 1.0;
}

double DeviceSpec::clock_power_fraction() const {
  if (sm_clock_mhz <= 0) return 1.0;
  const DvfsLevel level{clock_ratio(), linear_voltage(clock_ratio(), clock_voltage_floor)};
  return level.dynamic_power_fraction();
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

void check_figure(const std::string& key, const ParamValue& value, bool is_rate) {
  const double v = std::holds_alternative<double>(value)
                       ? std::get<double>(value)
                       : static_cast<double>(std::get<std::int64_t>(value));
  char got[32];
  std::snprintf(got, sizeof got, "%g", v);
  if (v > kMaxFigure)
    throw ParamError(key, std::string("expected at most 1e+06, got ") + got +
                              " (larger figures are not representable)");
  if (is_rate && v > 0 && v < kMinRate)
    throw ParamError(key, std::string("expected 0 or at least 1e-06, got ") + got +
                              " (slower rates make operator times overflow int64 ns)");
}
void check_rate(const std::string& key, const ParamValue& v) { check_figure(key, v, true); }
void check_size(const std::string& key, const ParamValue& v) { check_figure(key, v, false); }

// Single-field bounds are checked when the values resolve; these rules span fields.
void check_power_and_peaks(const DeviceSpec& d) {
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
  if (d.sm_clock_mhz > 0 && d.boost_clock_mhz <= 0)
    throw ParamError("sm_clock_mhz", "sm_clock_mhz needs boost_clock_mhz, the clock the peaks are "
                                     "quoted at (the presets of NVIDIA GPUs give it)");
  if (d.sm_clock_mhz > 0 && d.sm_clock_mhz < 0.01 * d.boost_clock_mhz)
    throw ParamError("sm_clock_mhz", "sm_clock_mhz (" + format_value(d.sm_clock_mhz) +
                                         " MHz) is below 1% of boost_clock_mhz: operator times "
                                         "would overflow (expected 0 or a real clock)");
  if (d.sm_clock_mhz > d.boost_clock_mhz && d.sm_clock_mhz > 0)
    throw ParamError("sm_clock_mhz", "sm_clock_mhz (" + format_value(d.sm_clock_mhz) +
                                         " MHz) exceeds boost_clock_mhz (" +
                                         format_value(d.boost_clock_mhz) +
                                         " MHz): a locked clock is at most the boost clock");
  const double base = d.held_power_w > 0 ? d.held_power_w : d.idle_power_w;
  if (d.power_cap_w > 0 && d.power_cap_w <= base)
    throw ParamError("power_cap_w", "power_cap_w (" + format_value(d.power_cap_w) +
                                        " W) must exceed the device's idle (or held) power (" +
                                        format_value(base) + " W)");
}

}  // namespace

const ParamBinding<DeviceSpec>& DeviceSpec::binding() {
  using C = DeviceSpec;
  static const auto b =
      ParamBinding<C>()
          .string(XPUSIM_KEY(C, name), "device name (a preset's file name when left empty)")
          .choice(XPUSIM_KEY(C, kind),
                  {{"gpu", "gpu"}, {"cpu", "cpu"}, {"igpu", "igpu"}, {"npu", "npu"}},
                  "device kind (gpu; cpu, igpu, npu are the engines of an SoC, see docs/soc.md)")
          .real("peak_fp32_tflops", &C::peak_fp32_flops, "TFLOP/s", "dense FP32 peak (no TF32)",
                kPositive)
          .scale(kTera).required().check(check_rate)
          .real("peak_bf16_tflops", &C::peak_bf16_flops, "TFLOP/s", "dense BF16/FP16 tensor peak",
                kPositive)
          .scale(kTera).required().check(check_rate)
          .real("peak_fp8_tflops", &C::peak_fp8_flops, "TFLOP/s",
                "dense FP8 tensor peak; 0 = unsupported", kNonNegative)
          .scale(kTera).check(check_rate)
          .real("peak_int8_tops", &C::peak_int8_ops, "TOP/s",
                "dense INT8 tensor peak; 0 = unsupported", kNonNegative)
          .scale(kTera).check(check_rate)
          .real("memory_gb", &C::memory_bytes, "GB", "device memory capacity (1 GB = 1e9 bytes)",
                kPositive)
          .scale(kGiga).required().check(check_size)
          .real("memory_bw_gbps", &C::memory_bw_bytes_per_s, "GB/s",
                "peak device-memory bandwidth", kPositive)
          .scale(kGiga).required().check(check_rate)
          .real(XPUSIM_KEY(C, idle_power_w), "W", "board power with nothing running", kNonNegative)
          .required().check(check_size)
          .real(XPUSIM_KEY(C, max_power_w), "W", "board power at full activity (TDP)", kPositive)
          .required().check(check_size)
          .real("scaleup_bw_gbps", &C::scaleup_bw_bytes_per_s, "GB/s",
                "per-GPU scale-up link bandwidth per direction (NVLink); 0 = none", kNonNegative)
          .scale(kGiga).check(check_rate)
          .real("pcie_bw_gbps", &C::pcie_bw_bytes_per_s, "GB/s",
                "host link bandwidth per direction; 0 = none", kNonNegative)
          .scale(kGiga).check(check_rate)
          .real("allreduce_latency_us", &C::allreduce_latency_s, "us",
                "fixed time of one tensor-parallel all-reduce over the device's own link "
                "(measured small-message floor); used when cluster.tp_link_latency_us is 0",
                {.min = 0, .max = 1e6})
          .scale(1e-6)
          .real("peak_fp4_tflops", &C::peak_fp4_flops, "TFLOP/s",
                "dense FP4 tensor peak; 0 = unsupported", kNonNegative)
          .scale(kTera)
          .integer(XPUSIM_KEY(C, scaleup_domain), "",
                   "devices one scale-up fabric joins (8 in an HGX board, 72 in NVL72); 0 = "
                   "unstated",
                   {.min = 0})
          .real("scaleout_bw_gbps", &C::scaleout_bw_bytes_per_s, "GB/s",
                "per-device scale-out NIC bandwidth per direction (InfiniBand/RoCE); 0 = none",
                kNonNegative)
          .scale(kGiga)
          .real(XPUSIM_KEY(C, compute_power_weight), "ratio",
                "dynamic-power weight of compute utilisation (activity = max of the weighted "
                "utilisations)",
                kPositive)
          .real(XPUSIM_KEY(C, memory_power_weight), "ratio",
                "dynamic-power weight of memory-bandwidth utilisation (below 1: memory-bound work "
                "draws less than compute-bound work at the same utilisation)",
                kPositive)
          .real(XPUSIM_KEY(C, held_power_w), "W",
                "power while a serving engine holds the idle device (context live, clocks up); 0 "
                "= idle_power_w",
                kNonNegative)
          .real(XPUSIM_KEY(C, hold_s), "s",
                "time after the last work during which an idle device draws held_power_w before "
                "falling to idle_power_w",
                {.min = 0, .max = 1e9})
          .real(XPUSIM_KEY(C, power_cap_w), "W",
                "board power limit (nvidia-smi -pl); compute slows so power stays under it; 0 = "
                "none",
                kNonNegative)
          .real(XPUSIM_KEY(C, cost_per_hour_usd), "USD/h",
                "price of one device for one hour (the presets: a cloud on-demand list price, "
                "docs/hardware.md); 0 = unpriced (no cost block in summary.json)",
                {.min = 0, .max = 1e6})
          .real(XPUSIM_KEY(C, boost_clock_mhz), "MHz",
                "clock the peak figures are quoted at (boost); 0 = unstated", {.min = 0, .max = 1e5})
          .real(XPUSIM_KEY(C, sm_clock_mhz), "MHz",
                "locked SM clock below boost (nvidia-smi -lgc): compute peaks scale by "
                "sm/boost, memory bandwidth does not, dynamic power by r x V(r)^2; 0 = none",
                {.min = 0, .max = 1e5})
          .real(XPUSIM_KEY(C, clock_voltage_floor), "ratio",
                "relative voltage of the straight V-f line at clock 0 (power of a locked clock)",
                {.min = 0, .max = 1})
          .rule(check_power_and_peaks);
  return b;
}

}  // namespace xpusim::hw
