#include "xpusim/scenario/system_kinds.hpp"

#include "xpusim/scenario/ina_scenario.hpp"
#include "xpusim/scenario/moe_offload_scenario.hpp"
#include "xpusim/scenario/moe_scenario.hpp"
#include "xpusim/scenario/scenario_loader.hpp"
#include "xpusim/scenario/section_presets.hpp"
#include "xpusim/scenario/simulation.hpp"
#include "xpusim/core/suggest.hpp"

namespace xpusim::scenario {

const std::vector<SystemKind>& system_kinds() {
  static const std::vector<SystemKind> kinds = {serving_kind(), ina_kind(), soc_kind(), moe_kind(),
                                                moe_offload_kind()};
  return kinds;
}

const SystemKind* find_system_kind(const std::string& name) {
  for (const auto& k : system_kinds())
    if (k.name == name) return &k;
  return nullptr;
}

std::unique_ptr<LoadedScenario> load_any_scenario(const YamlDocument& doc, Diagnostics& diag,
                                                  const Catalogs& catalogs) {
  std::string kind = "serving";
  const YAML::Node node = SectionReader::child(doc.root(), "system");
  std::string names;
  std::vector<std::string> known;
  for (const auto& k : system_kinds()) {
    names += (names.empty() ? "" : ", ") + k.name;
    known.push_back(k.name);
  }
  if (!node.IsNull()) {
    if (!node.IsScalar()) {
      diag.error(doc.locate(node, "system"), "system", "expected one of " + names);
      diag.throw_if_any();
    }
    kind = node.Scalar();
  }
  if (const SystemKind* k = find_system_kind(kind)) {
    KindReader reader(*k, doc, diag, catalogs);
    return k->load(reader);
  }
  diag.error(doc.locate(node, "system"), "system",
             "unknown system kind '" + kind + "' (expected one of " + names + ")" +
                 did_you_mean(kind, known));
  diag.throw_if_any();
  return nullptr;
}

YamlDocument prepared_document(const std::filesystem::path& path,
                               const std::vector<std::string>& overrides, Diagnostics& diag) {
  YamlDocument doc = YamlDocument::load(path);
  for (const auto& o : overrides) doc.apply_override(o, diag);
  expand_section_presets(doc, diag);
  return doc;
}

std::unique_ptr<LoadedScenario> load_any_scenario(const std::filesystem::path& path,
                                                  const std::vector<std::string>& overrides,
                                                  const Catalogs& catalogs) {
  Diagnostics diag;
  const YamlDocument doc = prepared_document(path, overrides, diag);
  return load_any_scenario(doc, diag, catalogs);
}

}  // namespace xpusim::scenario
