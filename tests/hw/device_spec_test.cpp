#include "xpusim/hw/device_spec.hpp"

#include <gtest/gtest.h>

#include "hw/flat_preset.hpp"
#include "xpusim/core/error.hpp"

namespace xpusim::hw {
namespace {

std::map<std::string, ParamValue> minimal_device() {
  return {{"peak_fp32_tflops", 10.0}, {"peak_bf16_tflops", 100.0}, {"memory_gb", 16.0},
          {"memory_bw_gbps", 500.0},  {"idle_power_w", 20.0},      {"max_power_w", 100.0}};
}

TEST(DType, ParsePrintRoundTripAndSizes) {
  for (const auto& name : dtype_names()) EXPECT_EQ(to_string(parse_dtype(name)), name);
  EXPECT_EQ(bytes_per_element(DType::Fp32), 4.0);
  EXPECT_EQ(bytes_per_element(DType::Bf16), 2.0);
  EXPECT_EQ(bytes_per_element(DType::Fp16), 2.0);
  EXPECT_EQ(bytes_per_element(DType::Fp8), 1.0);
  EXPECT_EQ(bytes_per_element(DType::Int8), 1.0);
  EXPECT_EQ(bytes_per_element(DType::Int4), 0.5);
}

TEST(DType, UnknownNameListsValidOnes) {
  try {
    parse_dtype("bfloat16");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bf16"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bfloat16"), std::string::npos) << e.what();
  }
}

TEST(DeviceSpec, ConvertsToSiUnits) {
  const DeviceSpec d = DeviceSpec::binding().from(minimal_device());
  EXPECT_DOUBLE_EQ(d.peak_bf16_flops, 100e12);
  EXPECT_DOUBLE_EQ(d.peak_fp32_flops, 10e12);
  EXPECT_DOUBLE_EQ(d.memory_bytes, 16e9);
  EXPECT_DOUBLE_EQ(d.memory_bw_bytes_per_s, 500e9);
  EXPECT_EQ(d.kind, "gpu");
  EXPECT_EQ(d.peak_fp8_flops, 0.0);  // defaults to unsupported
  EXPECT_DOUBLE_EQ(d.peak_flops(DType::Fp16), 100e12);
  EXPECT_THROW(d.peak_flops(DType::Fp8), Error);
  EXPECT_THROW(d.peak_flops(DType::Int4), Error);
}

TEST(DeviceSpec, CrossFieldChecksNameTheKey) {
  auto given = minimal_device();
  given["idle_power_w"] = 150.0;
  try {
    DeviceSpec::binding().from(given);
    FAIL() << "expected a ParamError";
  } catch (const ParamError& e) {
    EXPECT_EQ(e.key(), "idle_power_w");
  }
  given = minimal_device();
  given["peak_fp32_tflops"] = 1000.0;
  EXPECT_THROW(DeviceSpec::binding().from(given), ParamError);
  given = minimal_device();
  given["memory_gb"] = 0.0;  // bounds: capacity must be positive
  EXPECT_THROW(resolve_params(DeviceSpec::binding().schema(), given), ParamError);
  given = minimal_device();
  given.erase("memory_bw_gbps");  // required
  EXPECT_THROW(resolve_params(DeviceSpec::binding().schema(), given), ParamError);
}

TEST(DeviceSpec, EveryFieldIsDeclaredWithUnitsAndHelp) {
  const ParamSchema schema = DeviceSpec::binding().schema();  // decls() refers into it: keep it alive
  for (const auto& decl : schema.decls()) {
    EXPECT_FALSE(decl.help.empty()) << decl.name;
    if (decl.type == ParamType::Real) EXPECT_FALSE(decl.unit.empty()) << decl.name;
  }
}

// The shipped presets load and carry the data-sheet numbers quoted in docs/hardware.md.
TEST(HardwarePresets, LoadAndMatchDataSheets) {
  struct Expect {
    const char* name;
    double bf16_tflops, bw_gbps, memory_gb, max_w;
  };
  for (const Expect& e :
       {Expect{"a100-80gb", 312, 2039, 80, 400}, Expect{"h100-sxm", 989, 3350, 80, 700},
        Expect{"h200", 989, 4800, 141, 700}, Expect{"l4", 121, 300, 24, 72}}) {
    const DeviceSpec d = DeviceSpec::binding().from(testing::read_named_preset("configs/hardware", e.name));
    EXPECT_EQ(d.name, e.name);
    EXPECT_DOUBLE_EQ(d.peak_bf16_flops, e.bf16_tflops * 1e12) << e.name;
    EXPECT_DOUBLE_EQ(d.memory_bw_bytes_per_s, e.bw_gbps * 1e9) << e.name;
    EXPECT_DOUBLE_EQ(d.memory_bytes, e.memory_gb * 1e9) << e.name;
    EXPECT_DOUBLE_EQ(d.max_power_w, e.max_w) << e.name;
    // Idle is an assumption: 10-20% of TDP (docs/hardware.md).
    EXPECT_GE(d.idle_power_w, 0.10 * d.max_power_w) << e.name;
    EXPECT_LE(d.idle_power_w, 0.20 * d.max_power_w) << e.name;
  }
}

}  // namespace
}  // namespace xpusim::hw
