#pragma once
// A system kind as a module: the sections it reads (key -> schema) and how it loads and runs.
// The table of kinds (system_kinds.hpp) is the one place the sections are written: the
// loader's unknown-key check, the required-section check, `xpusim list`, docs/reference.md and
// the resolved scenario in summary.json are all generated from it.
//
// Contract: a kind's `load` reads each of its sections through the KindReader by the key it
// declares (reading an undeclared key is an internal error), reports every user error to the
// reader's Diagnostics and throws ScenarioError at the end when any was found. Top-level keys
// (system, name, seed, horizon_s) and required sections are checked before `load` runs.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/core/params.hpp"
#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/loaded_scenario.hpp"
#include "xpusim/scenario/section_reader.hpp"

namespace xpusim::scenario {

// One catalog entry as `list` shows it.
struct ChoiceInfo {
  std::string name, help;
  ParamSchema schema;
};

struct SectionDecl {
  enum class Form {
    Plain,      // a map of declared keys
    Preset,     // declared keys over an optional `preset: NAME` file from `preset_dir`
    Selection,  // `selector` names a catalog entry; the map's other keys are its parameters
    Items,      // a list of maps, each of `schema` (key ends in "[]"); read by the kind
  };
  std::string key;    // dotted below its parent section ("cluster.router"); "" = top level
  std::string title;  // what it holds, one line
  Form form = Form::Plain;
  std::function<ParamSchema()> schema;  // Plain, Preset, Items
  std::string preset_dir;               // Preset: folder under each preset root
  std::string selector;                 // Selection: "policy", "source", "model"
  std::string default_choice;           // Selection: when absent ("" = the selector is required)
  std::function<std::vector<ChoiceInfo>(const Catalogs&)> choices;  // Selection
  // Selection: reads the section against the catalog (SectionReader::read_selection).
  std::function<bool(SectionReader&, const Catalogs&, const YAML::Node&, Selection&)> read;
  std::string required;  // non-empty: the section must be given; says what it holds

  // The top-level key the section lives under ("cluster" for "cluster.router").
  std::string head() const { return key.substr(0, key.find('.')); }
};

SectionDecl plain_section(std::string key, std::string title, std::function<ParamSchema()> schema);
SectionDecl preset_section(std::string key, std::string title, std::string preset_dir,
                           std::function<ParamSchema()> schema);
SectionDecl items_section(std::string key, std::string title, std::function<ParamSchema()> schema);

// A Selection over the catalog `member` of Catalogs.
template <typename CatalogT>
SectionDecl selection_section(std::string key, std::string title, CatalogT Catalogs::*member,
                              std::string selector, std::string default_choice) {
  SectionDecl s;
  s.key = std::move(key);
  s.title = std::move(title);
  s.form = SectionDecl::Form::Selection;
  s.selector = std::move(selector);
  s.default_choice = std::move(default_choice);
  s.choices = [member](const Catalogs& c) {
    std::vector<ChoiceInfo> out;
    for (const auto& [name, entry] : (c.*member).entries())
      out.push_back({name, entry.help, entry.schema});
    return out;
  };
  s.read = [member, key = s.key, selector = s.selector, def = s.default_choice](
               SectionReader& ld, const Catalogs& c, const YAML::Node& node, Selection& out) {
    return ld.read_selection(node, key, selector, def, c.*member, out);
  };
  return s;
}

// The keys every kind reads at the top level of the document, each bound to its field.
struct TopLevel {
  std::string system = "serving";  // the kind; chosen from the raw document before loading
  std::string name;                // empty: the file name without extension
  std::int64_t seed = 1;
  double horizon_s = 0;
  static const ParamBinding<TopLevel>& binding();
};
ParamSchema top_level_schema();  // TopLevel::binding().schema()

class KindReader;

struct SystemKind {
  std::string name;
  std::string description;
  std::vector<SectionDecl> sections;
  std::function<std::unique_ptr<LoadedScenario>(KindReader&)> load;

  const SectionDecl* find(const std::string& key) const;
};

// Reads a kind's sections as its table declares them and keeps what each resolved to, so the
// resolved scenario lists the declared sections in the table's order.
class KindReader {
 public:
  // Checks the required sections, then reads the top-level keys (every other top-level key
  // must be one of the kind's section heads).
  KindReader(const SystemKind& kind, const YamlDocument& doc, Diagnostics& diag,
             const Catalogs& catalogs);

  SectionReader ld;
  const Catalogs& catalogs;

  const SystemKind& kind() const { return kind_; }
  const std::string& name() const { return name_; }  // the scenario name (file stem by default)
  std::uint64_t seed() const { return seed_; }
  double horizon_s() const { return horizon_s_; }

  // A Plain section; its declared sub-sections are left for their own reads.
  Params plain(const std::string& key);
  // A Preset section; false (nothing recorded) when it is absent or has errors.
  bool preset(const std::string& key, Params& out);
  // A Selection section (an absent map selects the default choice).
  bool select(const std::string& key, Selection& out);
  // What a section the kind reads itself resolved to (replaces an earlier record of `key`);
  // `key` is a declared key, or an Items key with an index ("workload.jobs[2]").
  void record(const std::string& key, Params params);
  // The top-level keys' values, then every recorded section in the table's order.
  std::vector<std::pair<std::string, Params>> resolved() const;

 private:
  const SectionDecl& declared(const std::string& key, SectionDecl::Form form) const;

  const SystemKind& kind_;
  Params top_;
  std::string name_;
  std::uint64_t seed_ = 1;
  double horizon_s_ = 0;
  std::map<std::string, Params> recorded_;
  std::vector<std::string> extra_order_;  // Items records, in the order they were made
};

}  // namespace xpusim::scenario
