#pragma once
// Config groups: a scenario section may start from a preset file, `batching: {preset: NAME,
// KEY: override}` or just `batching: NAME`, like `hardware: {preset: h100-sxm}`. The groups
// and their folders under each preset root (section_reader.hpp):
//   workload -> workloads/   batching -> batching/   cluster -> clusters/   slo -> slo/
// A preset is merged into the document before any loader reads it, so it works for every
// system kind; the section's own keys (from the file or --set) win over the preset's.
#include <string>
#include <utility>
#include <vector>

#include "xpusim/scenario/diagnostics.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::scenario {

// (section, folder) of every config group, in the order above.
const std::vector<std::pair<std::string, std::string>>& section_preset_groups();

// Merges every group section's preset into `doc` (errors to `diag`). A scalar section value
// names a preset when that group has a preset of that name; otherwise it is left for the
// section's loader (a policy or source name: `batching: sarathi`).
void expand_section_presets(YamlDocument& doc, Diagnostics& diag);

}  // namespace xpusim::scenario
