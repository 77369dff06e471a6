#pragma once
// A client SoC on paper: CPU, iGPU and NPU engines sharing one LPDDR bus. Each engine has peak
// compute, its own efficiency per kind of work (the NPU is fast on static-shape GEMMs and cannot
// run dynamic-shape decode attention; the iGPU is flexible), a dispatch overhead per operator
// group and idle/busy power; every ordered engine pair has a DDR contention factor. Presets in
// configs/hardware/ (data-sheet numbers and assumptions cited in docs/soc.md).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/core/time.hpp"
#include "xpusim/hw/device_spec.hpp"
#include "xpusim/hw/dvfs_levels.hpp"

namespace xpusim::hw {

enum class EngineKind { Cpu = 0, Igpu = 1, Npu = 2 };
inline constexpr int kEngineKinds = 3;
const char* engine_name(EngineKind kind);  // "cpu", "igpu", "npu" (also the device kind)

// What an operator group does, for efficiency and support lookups.
enum class WorkKind { Dense = 0, PrefillAttention = 1, DecodeAttention = 2 };
inline constexpr int kWorkKinds = 3;
const char* work_name(WorkKind kind);

struct EngineSpec {
  DeviceSpec device;  // kind cpu/igpu/npu; memory = the shared DDR; max_power_w = busy power
  double peak_fp16_flops = 0;
  double peak_int8_ops = 0;  // 0: no INT8 path (FP16 is used)
  // Fraction of the compute peak reached per work kind; 0 = the engine cannot run that kind.
  std::array<double, kWorkKinds> efficiency{};
  double memory_efficiency = 0;  // fraction of DDR peak bandwidth reached when alone
  TimeNs dispatch_ns = 0;        // fixed cost per operator group (launch / NPU submission)
  // Clock levels, slowest first, the last 1:1; empty = one level, the top (docs/soc.md).
  std::vector<DvfsLevel> dvfs_levels;

  bool supports(WorkKind kind) const { return efficiency[static_cast<int>(kind)] > 0; }
  // Peak used for math in weights of `weight_dtype`: INT8 for 8/4-bit weights when the engine
  // has an INT8 path, else FP16.
  double peak_ops(DType weight_dtype) const;
  // The levels a DVFS governor picks from: dvfs_levels, or the top level alone.
  const std::vector<DvfsLevel>& levels() const;
};

// Each key of the `soc` section is bound to its field by binding(): ddr_*, then per engine
// cpu_*, igpu_*, npu_* into engines[kind] (its device's idle and busy power, the rest derived
// from the SoC's figures), then v_slowdown_by_a into slowdown[v][a] (diagonal 1), then the
// memory budget for KV caches and the NPU's static prefill shapes.
struct SocSpec {
  std::string name;
  double ddr_bytes = 0;
  double ddr_bw_bytes_per_s = 0;
  // Shared DDR the flows' KV caches may hold together; 0 = all the DDR the weights leave.
  double kv_budget_bytes = 0;
  // Prefill lengths the NPU has compiled graphs for (sorted); a chunk runs padded to the smallest
  // one >= its length (hw/npu_shapes.hpp). Empty = dynamic shapes. The largest, 1024, is
  // OpenVINO GenAI's default NPU MAX_PROMPT_LEN; the smaller buckets are an assumption
  // (docs/soc.md).
  std::vector<std::int64_t> npu_prefill_shapes{128, 256, 512, 1024};
  std::array<EngineSpec, kEngineKinds> engines;  // indexed by EngineKind
  // slowdown[victim][aggressor]: factor on the victim's memory time while the aggressor runs
  // fully memory-bound work at the same time (1 = no interference; diagonal unused).
  std::array<std::array<double, kEngineKinds>, kEngineKinds> slowdown{};

  const EngineSpec& engine(EngineKind kind) const { return engines[static_cast<int>(kind)]; }

  static const ParamBinding<SocSpec>& binding();
};

}  // namespace xpusim::hw
