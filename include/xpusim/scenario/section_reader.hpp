#pragma once
// Reads the sections of a scenario document into declared parameters, collecting every problem
// in Diagnostics. Shared by the loaders of every system kind (serving, SoC, MoE, INA…), so
// presets, catalog selections and error locations behave the same everywhere.
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "xpusim/core/error.hpp"
#include "xpusim/core/params.hpp"
#include "xpusim/core/suggest.hpp"
#include "xpusim/scenario/diagnostics.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::scenario {

// Directories searched for `preset: NAME` (in order): $XPUSIM_PRESET_PATH entries, the
// scenario's directory, its parent, its parent's configs/, and the source tree's configs/.
std::vector<std::filesystem::path> preset_roots(const std::filesystem::path& scenario_path);

// The presets in `dir` under each of `roots` (sorted, without duplicates): the .yaml files
// whose top-level keys are all declared in `schema`, so a folder shared by several kinds of
// preset (configs/hardware/: devices, SoCs, switches, links) lists only the fitting ones.
std::vector<std::string> preset_names(const std::vector<std::filesystem::path>& roots,
                                      const std::string& dir, const ParamSchema& schema);

// A catalog entry chosen by name, with its resolved parameters.
struct Selection {
  std::string name;
  Params params;
};

struct SectionReader {
  const YamlDocument& doc;
  Diagnostics& diag;
  std::set<std::string> failed_sections = {};  // plain() reported an error in these

  // yaml-cpp's lookup of a missing key yields an "invalid" node on which most calls throw;
  // a null node says "absent" safely.
  static YAML::Node child(const YAML::Node& parent, const std::string& key);
  // A top-level section, or a sub-section by its dotted key ("cluster.autoscale").
  YAML::Node section(const std::string& key) const;

  // A section that may name a preset file (`preset: NAME`, looked up in `preset_dir` under
  // each preset root) whose keys the section overrides.
  bool read_with_preset(const std::string& key, const std::string& preset_dir,
                        const ParamSchema& schema, Params& out);
  // The same for a node of the document below a section (`key`: its dotted name in messages).
  bool read_preset_node(const YAML::Node& given, const std::string& key,
                        const std::string& preset_dir, const ParamSchema& schema, Params& out);

  // A map whose `selector` key names a catalog entry; the other keys are its parameters.
  // An absent map selects `default_name` (empty: the selector is required).
  template <typename CatalogT>
  bool read_selection(const YAML::Node& node, const std::string& prefix,
                      const std::string& selector, const std::string& default_name,
                      const CatalogT& catalog, Selection& out) {
    std::string name;
    if (!selected_name(node, prefix, selector, default_name, catalog.expected(), name)) return false;
    const auto* entry = catalog.find(name);
    if (!entry) {
      diag.error(selector_location(node, prefix, selector), prefix + "." + selector,
                 "unknown " + catalog.family() + " '" + name + "' (expected " + catalog.expected() +
                     ")" + did_you_mean(name, catalog.names()));
      return false;
    }
    // `section: NAME` selects NAME with its defaults; a selector changed by --set drops the
    // parameters the new choice does not take (with a note).
    const YAML::Node params = node.IsMap() ? node : YAML::Node();
    std::set<std::string> skip = keys_dropped_by_switch(params, prefix, selector, entry->schema, name);
    skip.insert(selector);
    const LocatedMap given = read_params_map(doc, params, prefix, entry->schema, skip, diag);
    out.name = name;
    if (!resolve_located(entry->schema, given, prefix, out.params, diag)) return false;
    out.params.set(selector, name);  // so the resolved scenario names its choice
    return true;
  }

  // A section of plain parameters (`key` empty: the document's top level); keys in `nested`
  // are left for the caller.
  Params plain(const std::string& key, const ParamSchema& schema,
               const std::set<std::string>& nested = {});

  // Reports a missing required section.
  void require(const std::string& key, const std::string& what);

  // Runs a conversion of resolved parameters to a spec; its ParamError names the key within
  // `section_key`, any other xpusim::Error the section itself.
  template <typename Fn>
  void convert(const std::string& section_key, Fn&& fn) {
    // A value already reported leaves its section's Params incomplete: cross-key rules and
    // bindings run only on a section that plain() read without errors.
    if (failed_sections.count(section_key) > 0) return;
    convert_node(section(section_key), section_key, std::forward<Fn>(fn));
  }
  // The same for a node of the document below a section (`key`: its dotted name in messages);
  // false when the conversion threw (reported).
  template <typename Fn>
  bool convert_node(const YAML::Node& node, const std::string& key, Fn&& fn) {
    try {
      fn();
      return true;
    } catch (const ParamError& e) {
      // At the key itself when the node gives it (a preset's value: at the node).
      const YAML::Node at = child(node, e.key());
      const std::string dotted = key + "." + e.key();
      diag.error(at.IsDefined() && !at.IsNull() ? doc.locate(at, dotted) : doc.locate(node, key),
                 dotted, e.what());
    } catch (const Error& e) {
      diag.error(doc.locate(node, key), key, e.what());
    }
    return false;
  }

 private:
  bool selected_name(const YAML::Node& node, const std::string& prefix, const std::string& selector,
                     const std::string& default_name, const std::string& expected, std::string& name);
  Location selector_location(const YAML::Node& node, const std::string& prefix,
                             const std::string& selector) const;
  // When `prefix.selector` was set by --set: the keys of `node` that `schema` (the new
  // choice's) does not declare and that no --set gave; each is dropped with a warning.
  std::set<std::string> keys_dropped_by_switch(const YAML::Node& node, const std::string& prefix,
                                               const std::string& selector,
                                               const ParamSchema& schema, const std::string& name) const;
};

}  // namespace xpusim::scenario
