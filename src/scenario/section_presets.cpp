#include "xpusim/scenario/section_presets.hpp"

#include <filesystem>

#include "xpusim/scenario/section_reader.hpp"

namespace xpusim::scenario {

namespace fs = std::filesystem;

const std::vector<std::pair<std::string, std::string>>& section_preset_groups() {
  static const std::vector<std::pair<std::string, std::string>> groups = {
      {"workload", "workloads"}, {"batching", "batching"}, {"cluster", "clusters"}, {"slo", "slo"}};
  return groups;
}

namespace {

// The file of preset `name` in `folder` under the first preset root that has it (a name with
// a '/' or ending in .yaml is a path relative to the scenario); empty when none has it.
fs::path find_preset(const YamlDocument& doc, const std::string& folder, const std::string& name,
                     std::string& tried) {
  const bool is_path = name.find('/') != std::string::npos || name.ends_with(".yaml");
  if (is_path) {
    const fs::path candidate = doc.path().parent_path() / name;
    tried = candidate.lexically_normal().string();
    return fs::is_regular_file(candidate) ? candidate : fs::path();
  }
  for (const auto& root : preset_roots(doc.path())) {
    const fs::path candidate = root / folder / (name + ".yaml");
    tried += (tried.empty() ? "" : ", ") + candidate.lexically_normal().string();
    if (fs::is_regular_file(candidate)) return candidate;
  }
  return {};
}

void expand_one(YamlDocument& doc, const std::string& section, const std::string& folder,
                Diagnostics& diag) {
  YAML::Node node = SectionReader::child(doc.root(), section);
  if (node.IsScalar()) {
    std::string tried;
    if (find_preset(doc, folder, node.Scalar(), tried).empty()) return;  // a policy/source name
    const std::string name = node.Scalar();
    YAML::Node map(YAML::NodeType::Map);
    map["preset"] = name;
    YAML::Node root = doc.root();  // a handle to the same document
    root[section] = map;
    node = map;
  }
  if (!node.IsMap() || !node["preset"]) return;
  const std::string key = section + ".preset";
  const Location at = doc.locate(node["preset"], key);
  if (!node["preset"].IsScalar()) {
    diag.error(at, key, "expected a preset name or a path to a .yaml file");
    return;
  }
  std::string tried;
  const fs::path file = find_preset(doc, folder, node["preset"].Scalar(), tried);
  if (file.empty()) {
    diag.error(at, key, "no " + section + " preset '" + node["preset"].Scalar() + "' (looked for " +
                            tried + ")");
    return;
  }
  try {
    const YamlDocument preset = YamlDocument::load(file);
    if (preset.root()["preset"]) {
      diag.error(at, key, file.string() + ": a preset cannot name another preset");
      return;
    }
    node.remove("preset");
    doc.merge_preset(section, preset.root(), file);
  } catch (const ScenarioError& e) {
    for (const auto& m : e.messages()) diag.error(at, key, m);
  }
}

}  // namespace

void expand_section_presets(YamlDocument& doc, Diagnostics& diag) {
  for (const auto& [section, folder] : section_preset_groups()) expand_one(doc, section, folder, diag);
}

}  // namespace xpusim::scenario
