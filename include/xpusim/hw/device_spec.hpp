#pragma once
// What a device is on paper: peak compute per data type, memory, power. Filled from a preset
// in configs/hardware/ (data-sheet numbers, cited in docs/hardware.md) or inline YAML.
#include <string>
#include <vector>

#include "xpusim/core/param_binding.hpp"

namespace xpusim::hw {

enum class DType { Fp32, Bf16, Fp16, Fp8, Int8, Int4 };

DType parse_dtype(const std::string& name);  // throws xpusim::Error listing valid names
std::string to_string(DType dtype);
double bytes_per_element(DType dtype);
std::vector<std::string> dtype_names();  // every name parse_dtype accepts, in a fixed order

// What the `hardware` (and `decode_hardware`) section binds into.
struct DeviceSpec {
  std::string name;            // e.g. "h100-sxm"
  std::string kind = "gpu";    // device kind: gpu, or an SoC engine (cpu, igpu, npu)
  double peak_fp32_flops = 0;  // dense FLOP/s
  double peak_bf16_flops = 0;  // dense FLOP/s (fp16 assumed equal)
  double peak_fp8_flops = 0;   // dense FLOP/s; 0 when unsupported
  double peak_int8_ops = 0;    // dense OP/s; 0 when unsupported
  double peak_fp4_flops = 0;   // dense FP4 FLOP/s; 0 when unsupported (Blackwell)
  double memory_bytes = 0;     // device memory (HBM/GDDR) capacity
  double memory_bw_bytes_per_s = 0;
  double idle_power_w = 0;
  double max_power_w = 0;             // board power at full activity (TDP)
  double scaleup_bw_bytes_per_s = 0;  // per-GPU NVLink-class bandwidth, per direction; 0 = none
  double pcie_bw_bytes_per_s = 0;     // host link, per direction
  // Fixed time of one tensor-parallel all-reduce over the device's own link (NCCL's small-
  // message floor); used when the scenario gives no tp_link latency; 0 = none.
  double allreduce_latency_s = 0;
  int scaleup_domain = 0;             // devices one scale-up fabric joins (8 HGX, 72 NVL72); 0 = unstated
  double scaleout_bw_bytes_per_s = 0;  // per-device scale-out NIC bandwidth, per direction; 0 = none
  // Power model extensions (docs/hardware.md); the defaults reproduce the plain linear model.
  double compute_power_weight = 1;  // dynamic-power weight of tensor/ALU utilisation
  double memory_power_weight = 1;   // dynamic-power weight of memory-bandwidth utilisation
  double held_power_w = 0;          // idle draw while an engine holds the device; 0 = idle_power_w
  double hold_s = 5;                // how long after work the held draw lasts before cold idle
  double power_cap_w = 0;           // board power limit; 0 = none (max_power_w applies)
  double cost_per_hour_usd = 0;     // price per device-hour (preset: cited); 0 = unpriced
  // Locked clock (docs/hardware.md, "Locked clock"): compute peaks scale by sm/boost, memory
  // bandwidth does not, dynamic power by r * V(r)^2 on a straight V-f line from the floor.
  double boost_clock_mhz = 0;       // clock the peak figures are quoted at; 0 = unstated
  double sm_clock_mhz = 0;          // locked clock; 0 = none (boost)
  double clock_voltage_floor = 0.5;  // relative voltage the V-f line reaches at clock 0

  // Fraction of the dynamic power range work at these utilisations draws, in [0, 1]:
  // clamp(max(compute_power_weight * u_compute, memory_power_weight * u_memory), 0, 1).
  double activity(double compute_util, double memory_util) const;
  // Power (W) of work at `activity`, before any cap: idle (or held) + range * activity.
  double busy_power_w(double activity) const;
  // Highest activity the power cap allows (1 without a cap).
  double max_activity() const;
  // sm_clock_mhz / boost_clock_mhz, or exactly 1 without a locked clock.
  double clock_ratio() const;
  // Fraction of the dynamic power range the locked clock allows at full activity: r * V(r)^2
  // (exactly 1 without a locked clock).
  double clock_power_fraction() const;

  // Peak for a data type; throws xpusim::Error when the device has none for it.
  double peak_flops(DType dtype) const;

  // The keys of a device preset / inline device block (units in the names: TFLOP/s, GB, GB/s),
  // each bound to its field in SI base units (FLOP/s, bytes, bytes/s). Rates and sizes are
  // checked representable as given; the rules spanning fields throw ParamError naming the key.
  static const ParamBinding<DeviceSpec>& binding();
};

}  // namespace xpusim::hw
