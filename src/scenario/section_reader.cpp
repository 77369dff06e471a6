#include "xpusim/scenario/section_reader.hpp"
#include "xpusim/build_paths.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <sstream>

namespace xpusim::scenario {

namespace fs = std::filesystem;

std::vector<fs::path> preset_roots(const fs::path& scenario_path) {
  std::vector<fs::path> roots;
  if (const char* env = std::getenv("XPUSIM_PRESET_PATH")) {
    std::stringstream ss(env);
    for (std::string dir; std::getline(ss, dir, ':');)
      if (!dir.empty()) roots.emplace_back(dir);
  }
  const fs::path dir = scenario_path.parent_path().empty() ? fs::path(".") : scenario_path.parent_path();
  roots.push_back(dir);
  roots.push_back(dir / "..");
  roots.push_back(dir / ".." / "configs");
  roots.emplace_back(fs::path(XPUSIM_SOURCE_DIR) / "configs");
  return roots;
}

std::vector<std::string> preset_names(const std::vector<fs::path>& roots, const std::string& dir,
                                      const ParamSchema& schema) {
  std::set<std::string> names;
  for (const auto& root : roots) {
    std::error_code ec;
    if (!fs::is_directory(root / dir, ec)) continue;
    for (const auto& f : fs::directory_iterator(root / dir, ec)) {
      if (f.path().extension() != ".yaml") continue;
      try {
        const YAML::Node doc = YAML::LoadFile(f.path().string());
        bool fits = doc.IsMap();
        for (auto it = doc.begin(); fits && it != doc.end(); ++it)
          fits = schema.find(it->first.as<std::string>()) != nullptr;
        if (fits) names.insert(f.path().stem().string());
      } catch (const YAML::Exception&) {
        // not a preset this section can use
      }
    }
  }
  return {names.begin(), names.end()};
}

YAML::Node SectionReader::child(const YAML::Node& parent, const std::string& key) {
  if (!parent.IsMap()) return YAML::Node();
  const YAML::Node n = parent[key];
  return n ? n : YAML::Node();
}

YAML::Node SectionReader::section(const std::string& key) const {
  YAML::Node node = child(doc.root(), key.substr(0, key.find('.')));
  for (std::size_t dot = key.find('.'); dot != std::string::npos && !node.IsNull();) {
    const std::size_t next = key.find('.', dot + 1);
    // child() returns a fresh node: reassigning `node` rebinds it (it does not write through).
    node.reset(child(node, key.substr(dot + 1, next == std::string::npos ? next : next - dot - 1)));
    dot = next;
  }
  return node;
}

bool SectionReader::read_with_preset(const std::string& key, const std::string& preset_dir,
                                     const ParamSchema& schema, Params& out) {
  return read_preset_node(section(key), key, preset_dir, schema, out);
}

bool SectionReader::read_preset_node(const YAML::Node& given, const std::string& key,
                                     const std::string& preset_dir, const ParamSchema& schema,
                                     Params& out) {
  // `hardware: h100-sxm` is `hardware: {preset: h100-sxm}`.
  const YAML::Node preset_node = given.IsScalar() ? given : given.IsMap() ? given["preset"] : YAML::Node();
  const YAML::Node node = given.IsScalar() ? YAML::Node() : given;
  LocatedMap merged;
  if (preset_node.IsDefined() && !preset_node.IsNull()) {
    const Location at = doc.locate(preset_node, key + ".preset");
    if (!preset_node.IsScalar()) {
      diag.error(at, key + ".preset", "expected a preset name or a path to a .yaml file");
      return false;
    }
    const std::string name = preset_node.Scalar();
    fs::path file;
    const bool is_path = name.find('/') != std::string::npos || name.ends_with(".yaml");
    std::string tried;
    for (const auto& root : preset_roots(doc.path())) {
      const fs::path candidate = is_path ? doc.path().parent_path() / name
                                         : root / preset_dir / (name + ".yaml");
      tried += (tried.empty() ? "" : ", ") + candidate.lexically_normal().string();
      if (fs::is_regular_file(candidate)) {
        file = candidate;
        break;
      }
      if (is_path) break;
    }
    if (file.empty()) {
      const std::string hint =
          is_path ? "" : did_you_mean(name, preset_names(preset_roots(doc.path()), preset_dir, schema));
      diag.error(at, key + ".preset", "no preset '" + name + "' (looked for " + tried + ")" + hint);
      return false;
    }
    try {
      const YamlDocument preset = YamlDocument::load(file);
      merged = read_params_map(preset, preset.root(), "", schema, {}, diag);
    } catch (const ScenarioError& e) {
      for (const auto& m : e.messages()) diag.error(at, key + ".preset", m);
      return false;
    }
    if (!merged.values.count("name")) {
      if (schema.find("name")) merged.values["name"] = file.stem().string();
    }
  }
  const LocatedMap inline_map = read_params_map(doc, node, key, schema, {"preset"}, diag);
  for (const auto& [k, v] : inline_map.values) {
    merged.values[k] = v;
    merged.where[k] = inline_map.where.at(k);
  }
  merged.self = inline_map.self;
  return resolve_located(schema, merged, key, out, diag);
}

bool SectionReader::selected_name(const YAML::Node& node, const std::string& prefix,
                                  const std::string& selector, const std::string& default_name,
                                  const std::string& expected, std::string& name) {
  const Location self = doc.locate(node, prefix);
  if (node.IsScalar()) {  // `batching: sarathi`: the choice with its defaults
    name = node.Scalar();
    if (!name.empty()) return true;
  }
  if (node.IsDefined() && !node.IsNull() && !node.IsMap()) {
    diag.error(self, prefix, "expected a map with key '" + selector + "' (or just a name)");
    return false;
  }
  name = default_name;
  if (node.IsMap() && node[selector]) {
    if (!node[selector].IsScalar()) {
      diag.error(doc.locate(node[selector], prefix + "." + selector), prefix + "." + selector,
                 "expected a name, " + expected);
      return false;
    }
    name = node[selector].Scalar();
  }
  if (name.empty()) {
    diag.error(self, prefix + "." + selector, "missing; expected " + expected);
    return false;
  }
  return true;
}

std::set<std::string> SectionReader::keys_dropped_by_switch(const YAML::Node& node,
                                                            const std::string& prefix,
                                                            const std::string& selector,
                                                            const ParamSchema& schema,
                                                            const std::string& name) const {
  std::set<std::string> dropped;
  if (!node.IsMap() || !doc.overridden(prefix + "." + selector)) return dropped;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (key == selector || schema.find(key) || doc.overridden(prefix + "." + key)) continue;
    dropped.insert(key);
  }
  if (dropped.empty()) return dropped;
  std::string list;
  for (const auto& k : dropped) list += (list.empty() ? "" : ", ") + prefix + "." + k;
  spdlog::warn("{}.{} is '{}' (--set): dropped {} (not a parameter of '{}')", prefix, selector,
               name, list, name);
  return dropped;
}

Location SectionReader::selector_location(const YAML::Node& node, const std::string& prefix,
                                          const std::string& selector) const {
  if (node.IsMap() && node[selector]) return doc.locate(node[selector], prefix + "." + selector);
  return doc.locate(node, prefix);
}

Params SectionReader::plain(const std::string& key, const ParamSchema& schema,
                            const std::set<std::string>& nested) {
  Params p;
  const YAML::Node node = key.empty() ? doc.root() : section(key);
  const std::size_t errors_before = diag.errors().size();
  const LocatedMap given = read_params_map(doc, node, key, schema, nested, diag);
  resolve_located(schema, given, key, p, diag);
  if (diag.errors().size() != errors_before) failed_sections.insert(key);
  return p;
}

void SectionReader::require(const std::string& key, const std::string& what) {
  if (section(key).IsNull()) diag.error(Location{doc.path().string()}, key, "missing section (" + what + ")");
}

}  // namespace xpusim::scenario
