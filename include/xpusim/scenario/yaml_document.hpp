#pragma once
// A scenario's YAML with `--set` overrides applied and every value's origin remembered, plus
// the conversion of YAML scalars to declared parameters.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "xpusim/core/params.hpp"
#include "xpusim/scenario/diagnostics.hpp"

namespace xpusim::scenario {

// A YAML map flattened to scalar values with their locations, ready for resolve_params.
struct LocatedMap {
  std::map<std::string, ParamValue> values;
  std::map<std::string, Location> where;
  Location self;  // where the map itself is
  std::set<std::string> invalid;  // keys present but rejected (already reported)
};

class YamlDocument {
 public:
  // Parses `path`; throws ScenarioError (file, line, what) on unreadable or malformed YAML.
  static YamlDocument load(const std::filesystem::path& path);
  static YamlDocument parse(const std::string& text, const std::filesystem::path& as_path);

  // Applies "dotted.key=value" (value parsed as YAML; creates intermediate maps as needed), or
  // "~dotted.key" (`--unset`): removes the key, which must be present.
  void apply_override(const std::string& assignment, Diagnostics& diag);

  // Adds the keys of `preset` (a map read from `file`) that `section` does not set itself;
  // errors in them are located in `file`. `section` must be a map.
  void merge_preset(const std::string& section, const YAML::Node& preset,
                    const std::filesystem::path& file);
  // Whether `dotted_key` itself was set by `--set` (not merely a key inside a value set so).
  bool overridden(const std::string& dotted_key) const { return overridden_.count(dotted_key) > 0; }

  const YAML::Node& root() const { return root_; }
  const std::filesystem::path& path() const { return path_; }
  // Location of a node, or of the override that set `dotted_key`.
  Location locate(const YAML::Node& node, const std::string& dotted_key) const;

 private:
  std::filesystem::path path_;
  YAML::Node root_;
  std::set<std::string> overridden_;  // dotted keys set from the command line
  std::map<std::string, std::string> override_text_;
  // Keys merged from a section preset (dotted key -> the preset file), located there.
  std::map<std::string, std::filesystem::path> from_preset_;

  void apply_unset(const std::string& key, Diagnostics& diag);
};

// Converts a scalar node to the declared type; returns false (and explains in `why`) when the
// text is not a value of that type. No silent coercion: "12abc" is not an integer.
bool convert_scalar(const YAML::Node& node, const ParamDecl& decl, ParamValue& out,
                    std::string& why);

// Reads a YAML map whose keys are the parameters of `schema` (plus any `extra_keys`, which are
// left for the caller). Unknown keys and type errors go to `diag` with their location.
LocatedMap read_params_map(const YamlDocument& doc, const YAML::Node& node,
                           const std::string& dotted_prefix, const ParamSchema& schema,
                           const std::set<std::string>& extra_keys, Diagnostics& diag);

// resolve_params with the ParamError mapped back to the offending key's location.
bool resolve_located(const ParamSchema& schema, const LocatedMap& given,
                     const std::string& dotted_prefix, Params& out, Diagnostics& diag);

}  // namespace xpusim::scenario
