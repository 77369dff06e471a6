#pragma once
// The `hardware` and `model` sections that several system kinds share, each of which may name
// a preset (configs/hardware/, configs/models/) whose keys it overrides.
#include "xpusim/core/params.hpp"
#include "xpusim/hw/device_spec.hpp"
#include "xpusim/model/model_spec.hpp"
#include "xpusim/scenario/section_reader.hpp"
#include "xpusim/scenario/system_kind.hpp"

namespace xpusim::scenario {

struct DeviceAndModel {
  hw::DeviceSpec device;
  model::ModelSpec model;
  Params device_params;  // resolved, for summary.json
  Params model_params;
};

// The `model` section: `preset: NAME` or `hf_config: PATH` (a Hugging Face config.json, see
// docs/models.md) gives the base values, inline keys override them. False when the section is
// absent or has errors (reported to the reader's Diagnostics).
bool read_model_section(SectionReader& ld, Params& out);

// A device given at `node` (`key`: its dotted name in messages) as the `hardware` section is:
// a preset name, {preset: NAME, KEY: override}, or every key inline. Fills `params` (resolved)
// and `device`; false after reporting its problems to the reader's Diagnostics.
bool read_device_node(SectionReader& ld, const YAML::Node& node, const std::string& key,
                      Params& params, hw::DeviceSpec& device);

// Problems go to the reader's Diagnostics; an absent section is left for the caller's
// `require` (reading it would only add noise).
DeviceAndModel read_device_and_model(SectionReader& ld);
// The same through a kind's reader, which records both sections.
DeviceAndModel read_device_and_model(KindReader& r);

// The two sections as a kind declares them; `required` says what the kind needs there.
SectionDecl hardware_section(std::string required);
SectionDecl model_section(std::string required);

}  // namespace xpusim::scenario
