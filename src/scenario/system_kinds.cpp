#include "xpusim/scenario/system_kinds.hpp"

#include "xpusim/scenario/ina_scenario.hpp"
#include "xpusim/scenario/moe_offload_scenario.hpp"
#include "xpusim/scenario/moe_scenario.hpp"
#include "xpusim/scenario/scenario_loader.hpp"
#include "xpusim/scenario/section_presets.hpp"
#include "xpusim/scenario/simulation.hpp"
#include "xpusim/scenario/soc_scenario.hpp"

namespace xpusim::scenario {

namespace {

class ServingScenario final : public LoadedScenario {
 public:
  ServingScenario(ScenarioSpec spec, const Catalogs& catalogs)
      : spec_(std::move(spec)), catalogs_(catalogs) {}
  const std::string& name() const override { return spec_.name; }
  std::uint64_t seed() const override { return spec_.seed; }
  RunResult run(const RunOptions& options) const override {
    return run_scenario(spec_, catalogs_, options);
  }

 private:
  ScenarioSpec spec_;
  const Catalogs& catalogs_;
};

}  // namespace

const std::vector<SystemKind>& system_kinds() {
  static const std::vector<SystemKind> kinds = {
      {"serving", "LLM serving instances and clusters: batching, routing, KV cache, disaggregation",
       [](const YamlDocument& doc, Diagnostics& diag, const Catalogs& catalogs) {
         return std::make_unique<ServingScenario>(load_serving_spec(doc, diag, catalogs), catalogs);
       }},
      {"ina", "in-network aggregation: training jobs share a programmable switch's aggregator memory",
       load_ina_scenario},
      {"soc", "agent flows (reactive, proactive) on one CPU + iGPU + NPU SoC with shared DDR", load_soc_scenario},
      {"moe", "MoE layers under expert parallelism: training steps or serving iterations, expert placement and replication",
       load_moe_scenario},
      {"moe_offload", "MoE inference with experts offloaded to host memory behind a GPU expert cache: PCIe fetch vs CPU compute",
       load_moe_offload_scenario},
  };
  return kinds;
}

std::unique_ptr<LoadedScenario> load_any_scenario(const YamlDocument& doc, Diagnostics& diag,
                                                  const Catalogs& catalogs) {
  std::string kind = "serving";
  const YAML::Node node = SectionReader::child(doc.root(), "system");
  std::string names;
  for (const auto& k : system_kinds()) names += (names.empty() ? "" : ", ") + k.name;
  if (!node.IsNull()) {
    if (!node.IsScalar()) {
      diag.error(doc.locate(node, "system"), "system", "expected one of " + names);
      diag.throw_if_any();
    }
    kind = node.Scalar();
  }
  for (const auto& k : system_kinds())
    if (k.name == kind) return k.load(doc, diag, catalogs);
  diag.error(doc.locate(node, "system"), "system",
             "unknown system kind '" + kind + "' (expected one of " + names + ")");
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
