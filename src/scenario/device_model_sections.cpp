#include "xpusim/scenario/device_model_sections.hpp"

namespace xpusim::scenario {

DeviceAndModel read_device_and_model(SectionReader& ld) {
  DeviceAndModel out;
  if (!ld.section("hardware").IsNull() &&
      ld.read_with_preset("hardware", "hardware", hw::device_schema(), out.device_params))
    ld.convert("hardware", [&] { out.device = hw::device_spec_from_params(out.device_params); });
  if (!ld.section("model").IsNull() &&
      ld.read_with_preset("model", "models", model::model_schema(), out.model_params))
    ld.convert("model", [&] { out.model = model::model_spec_from_params(out.model_params); });
  return out;
}

}  // namespace xpusim::scenario
