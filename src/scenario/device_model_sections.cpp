#include "xpusim/scenario/device_model_sections.hpp"

#include "xpusim/core/error.hpp"
#include "xpusim/model/hf_config.hpp"

namespace xpusim::scenario {
namespace {

namespace fs = std::filesystem;

// hf_config paths resolve against the scenario's folder first, then `models/` under each
// preset root (so `hf/NAME/config.json` finds the shipped configs/models/hf/ from anywhere).
fs::path find_hf_config(const YamlDocument& doc, const std::string& given, std::string& tried) {
  const fs::path p(given);
  std::vector<fs::path> candidates;
  if (p.is_absolute()) {
    candidates.push_back(p);
  } else {
    candidates.push_back(doc.path().parent_path() / p);
    for (const auto& root : preset_roots(doc.path())) candidates.push_back(root / "models" / p);
  }
  for (const auto& c : candidates) {
    tried += (tried.empty() ? "" : ", ") + c.lexically_normal().string();
    if (fs::is_regular_file(c)) return c;
  }
  return {};
}

// `model: {hf_config: PATH, ...overrides}`: the config's fields are the base, inline keys win.
bool read_hf_model(SectionReader& ld, const ParamSchema& schema, Params& out) {
  const YAML::Node node = ld.section("model");
  const Location at = ld.doc.locate(node["hf_config"], "model.hf_config");
  if (node["preset"]) {
    ld.diag.error(at, "model.hf_config", "give either preset or hf_config, not both");
    return false;
  }
  if (!node["hf_config"].IsScalar()) {
    ld.diag.error(at, "model.hf_config", "expected a path to a Hugging Face config.json");
    return false;
  }
  std::string tried;
  const fs::path file = find_hf_config(ld.doc, node["hf_config"].Scalar(), tried);
  if (file.empty()) {
    ld.diag.error(at, "model.hf_config", "no file '" + node["hf_config"].Scalar() +
                                             "' (looked for " + tried + ")");
    return false;
  }
  LocatedMap merged;
  try {
    merged.values = model::hf_config_params(file);
  } catch (const Error& e) {
    ld.diag.error(at, "model.hf_config", e.what());
    return false;
  }
  for (const auto& [k, v] : merged.values) merged.where[k] = at;
  const LocatedMap inline_map = read_params_map(ld.doc, node, "model", schema, {"hf_config"}, ld.diag);
  for (const auto& [k, v] : inline_map.values) {
    merged.values[k] = v;
    merged.where[k] = inline_map.where.at(k);
  }
  merged.self = inline_map.self;
  return resolve_located(schema, merged, "model", out, ld.diag);
}

}  // namespace

bool read_model_section(SectionReader& ld, Params& out) {
  const YAML::Node node = ld.section("model");
  if (node.IsNull()) return false;
  if (node.IsMap() && node["hf_config"]) return read_hf_model(ld, model::ModelSpec::binding().schema(), out);
  return ld.read_with_preset("model", "models", model::ModelSpec::binding().schema(), out);
}

bool read_device_node(SectionReader& ld, const YAML::Node& node, const std::string& key,
                      Params& params, hw::DeviceSpec& device) {
  return ld.read_preset_node(node, key, "hardware", hw::DeviceSpec::binding().schema(), params) &&
         ld.convert_node(node, key, [&] { device = hw::DeviceSpec::binding().bind(params); });
}

DeviceAndModel read_device_and_model(SectionReader& ld) {
  DeviceAndModel out;
  if (!ld.section("hardware").IsNull())
    read_device_node(ld, ld.section("hardware"), "hardware", out.device_params, out.device);
  if (read_model_section(ld, out.model_params))
    ld.convert("model", [&] { out.model = model::ModelSpec::binding().bind(out.model_params); });
  return out;
}

DeviceAndModel read_device_and_model(KindReader& r) {
  DeviceAndModel out = read_device_and_model(r.ld);
  r.record("hardware", out.device_params);
  r.record("model", out.model_params);
  return out;
}

SectionDecl hardware_section(std::string required) {
  SectionDecl s = preset_section("hardware", "device parameters ({preset: NAME, ...overrides})",
                                 "hardware",
                                 [] { return hw::DeviceSpec::binding().schema(); });
  s.required = std::move(required);
  return s;
}

SectionDecl model_section(std::string required) {
  SectionDecl s = preset_section(
      "model", "model parameters ({preset: NAME | hf_config: PATH, ...overrides})", "models",
      [] { return model::ModelSpec::binding().schema(); });
  s.required = std::move(required);
  return s;
}

}  // namespace xpusim::scenario
