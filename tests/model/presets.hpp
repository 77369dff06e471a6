#pragma once
// Loads the shipped hardware and model presets for model-layer tests.
#include <string>

#include "hw/flat_preset.hpp"
#include "xpusim/hw/device_spec.hpp"
#include "xpusim/model/model_spec.hpp"

namespace xpusim::testing {

inline model::ModelSpec load_model(const std::string& name) {
  return model::ModelSpec::binding().from(read_named_preset("configs/models", name));
}

inline hw::DeviceSpec load_device(const std::string& name) {
  return hw::DeviceSpec::binding().from(read_named_preset("configs/hardware", name));
}

}  // namespace xpusim::testing
