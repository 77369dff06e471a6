// Data-type names and element sizes (declared in device_spec.hpp).
#include <array>
#include <utility>

#include "xpusim/core/error.hpp"
#include "xpusim/hw/device_spec.hpp"

namespace xpusim::hw {
namespace {

// The one table of names: parse, print and the error message all read it.
constexpr std::array<std::pair<DType, const char*>, 6> kNames{{
    {DType::Fp32, "fp32"},
    {DType::Bf16, "bf16"},
    {DType::Fp16, "fp16"},
    {DType::Fp8, "fp8"},
    {DType::Int8, "int8"},
    {DType::Int4, "int4"},
}};

}  // namespace

std::vector<std::string> dtype_names() {
  std::vector<std::string> out;
  for (const auto& [dtype, name] : kNames) out.emplace_back(name);
  return out;
}

DType parse_dtype(const std::string& name) {
  for (const auto& [dtype, n] : kNames)
    if (name == n) return dtype;
  std::string known;
  for (const auto& [dtype, n] : kNames) known += std::string(known.empty() ? "" : ", ") + n;
  throw Error("unknown data type '" + name + "' (expected one of: " + known + ")");
}

std::string to_string(DType dtype) {
  for (const auto& [d, name] : kNames)
    if (d == dtype) return name;
  XPUSIM_CHECK(false, "unnamed DType");
  return "";
}

double bytes_per_element(DType dtype) {
  switch (dtype) {
    case DType::Fp32:
      return 4.0;
    case DType::Bf16:
    case DType::Fp16:
      return 2.0;
    case DType::Fp8:
    case DType::Int8:
      return 1.0;
    case DType::Int4:
      return 0.5;
  }
  XPUSIM_CHECK(false, "unknown DType");
  return 0.0;
}

}  // namespace xpusim::hw
