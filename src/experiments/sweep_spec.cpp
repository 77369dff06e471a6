#include "xpusim/experiments/sweep_spec.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "xpusim/core/error.hpp"
#include "xpusim/scenario/section_reader.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::experiments {

// The scenario layer's YAML reading and error reporting, used by every experiments file.
using scenario::convert_scalar;
using scenario::Diagnostics;
using scenario::Location;
using scenario::ScenarioError;
using scenario::SectionReader;
using scenario::YamlDocument;

namespace {

const std::vector<std::string> kSweepKeys = {"base",  "description", "axes",   "points",
                                             "seeds", "set",         "reduced"};

// A value as YAML text that `--set key=TEXT` parses back to the same node.
std::string yaml_text(const YAML::Node& node) {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << node;
  return out.c_str();
}

// 64-bit FNV-1a: a stable hash that does not depend on the standard library's std::hash.
std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  // splitmix64's finalizer: FNV-1a alone changes few output bits for a changed last character.
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

std::string slug_of(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-';
    out += keep ? c : '_';
  }
  return out;
}

// "policy-vllm_rate_per_s-4_seed-1-1a2b3c4d": readable, and unique through the hash of every
// override that defines the point (so a changed `set:` never reuses an old directory).
std::string point_id(const SweepPoint& p, const std::filesystem::path& base) {
  std::string slug;
  for (const auto& [key, value] : p.params) {
    const auto dot = key.rfind('.');
    slug += (slug.empty() ? "" : "_") +
            slug_of(key.substr(dot == std::string::npos ? 0 : dot + 1)) + "-" + slug_of(value);
  }
  if (p.seed) slug += (slug.empty() ? "" : "_") + std::string("seed-") + std::to_string(*p.seed);
  if (slug.size() > 64) slug.resize(64);
  std::string canonical = base.filename().string();
  for (const auto& o : p.overrides) canonical += "\n" + o;
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(fnv1a(canonical)));
  return (slug.empty() ? "point" : slug) + "-" + std::string(hash, 8);
}

// Reads a map of dotted key -> value (`set:`, `reduced:`, one entry of `points:`).
bool read_assignments(const YamlDocument& doc, const YAML::Node& node, const std::string& where,
                      std::vector<std::pair<std::string, std::string>>& out, Diagnostics& diag) {
  if (!node.IsMap()) {
    diag.error(doc.locate(node, where), where, "expected a map of dotted.key: value");
    return false;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (key.empty() || key.front() == '.' || key.back() == '.') {
      diag.error(doc.locate(it->first, where), where, "'" + key + "' is not a dotted key");
      return false;
    }
    out.emplace_back(key, yaml_text(it->second));
  }
  return true;
}

struct RawSweep {
  std::vector<std::pair<std::string, std::vector<std::string>>> axes;
  std::vector<std::vector<std::pair<std::string, std::string>>> points;
  std::vector<std::uint64_t> seeds;
  std::vector<std::pair<std::string, std::string>> set, reduced;
};

void read_axes(const YamlDocument& doc, const YAML::Node& node, RawSweep& raw, Diagnostics& diag) {
  if (!node.IsMap()) {
    diag.error(doc.locate(node, "axes"), "axes", "expected a map of dotted.key: [values...]");
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.Scalar();
    const std::string dotted = "axes." + key;
    if (!it->second.IsSequence() || it->second.size() == 0) {
      diag.error(doc.locate(it->second, dotted), dotted, "expected a non-empty list of values");
      continue;
    }
    std::vector<std::string> values;
    // A copy: `it->second` lives in a temporary proxy that a range-for would outlive.
    const YAML::Node list = it->second;
    for (const auto& v : list) values.push_back(yaml_text(v));
    raw.axes.emplace_back(key, std::move(values));
  }
}

void read_seeds(const YamlDocument& doc, const YAML::Node& node, RawSweep& raw, Diagnostics& diag) {
  if (!node.IsSequence() || node.size() == 0) {
    diag.error(doc.locate(node, "seeds"), "seeds", "expected a non-empty list of integers >= 0");
    return;
  }
  for (const auto& s : node) {
    ParamValue v;
    std::string why;
    ParamDecl decl;
    decl.name = "seed";
    decl.type = ParamType::Int;
    if (!convert_scalar(s, decl, v, why) || std::get<std::int64_t>(v) < 0) {
      diag.error(doc.locate(s, "seeds"), "seeds",
                 "expected an integer >= 0, got '" + yaml_text(s) + "'");
      continue;
    }
    raw.seeds.push_back(static_cast<std::uint64_t>(std::get<std::int64_t>(v)));
  }
}

void read_points(const YamlDocument& doc, const YAML::Node& node, RawSweep& raw,
                 Diagnostics& diag) {
  if (!node.IsSequence() || node.size() == 0) {
    diag.error(doc.locate(node, "points"), "points",
               "expected a non-empty list of maps {dotted.key: value}");
    return;
  }
  for (const auto& p : node) {
    std::vector<std::pair<std::string, std::string>> assignments;
    if (read_assignments(doc, p, "points", assignments, diag))
      raw.points.push_back(std::move(assignments));
  }
}

RawSweep read_raw(const YamlDocument& doc, std::filesystem::path& base, bool check_base,
                  Diagnostics& diag) {
  RawSweep raw;
  const YAML::Node& root = doc.root();
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (std::find(kSweepKeys.begin(), kSweepKeys.end(), key) != kSweepKeys.end()) continue;
    std::string known;
    for (const auto& k : kSweepKeys) known += (known.empty() ? "" : ", ") + k;
    diag.error(doc.locate(it->first, key), key,
               "unknown sweep key (expected one of: " + known + ")");
  }
  const YAML::Node base_node = SectionReader::child(root, "base");
  if (base_node.IsNull() || !base_node.IsScalar() || base_node.Scalar().empty())
    diag.error(doc.locate(base_node, "base"), "base",
               base_node.IsNull()
                   ? "missing required key (the base scenario file, relative to this sweep file)"
                   : "expected a scenario file path");
  else
    base = doc.path().parent_path() / base_node.Scalar();
  if (check_base && !base.empty() && !std::filesystem::is_regular_file(base))
    diag.error(
        doc.locate(base_node, "base"), "base",
        "no such scenario file '" + base.string() + "' (the path is relative to the sweep file)");
  const YAML::Node axes = SectionReader::child(root, "axes");
  const YAML::Node points = SectionReader::child(root, "points");
  if (axes.IsNull() && points.IsNull())
    diag.error(doc.locate(root, ""), "axes",
               "a sweep needs 'axes' (a grid), 'points' (a list) or both");
  if (!axes.IsNull()) read_axes(doc, axes, raw, diag);
  if (!points.IsNull()) read_points(doc, points, raw, diag);
  if (const YAML::Node seeds = SectionReader::child(root, "seeds"); !seeds.IsNull())
    read_seeds(doc, seeds, raw, diag);
  if (const YAML::Node set = SectionReader::child(root, "set"); !set.IsNull())
    read_assignments(doc, set, "set", raw.set, diag);
  if (const YAML::Node reduced = SectionReader::child(root, "reduced"); !reduced.IsNull())
    read_assignments(doc, reduced, "reduced", raw.reduced, diag);
  return raw;
}

void add_key(std::vector<std::string>& keys, const std::string& key) {
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
}

// The axes' grid (first axis varies slowest), then the explicit points.
std::vector<std::vector<std::pair<std::string, std::string>>> combinations(const RawSweep& raw) {
  std::vector<std::vector<std::pair<std::string, std::string>>> out;
  if (!raw.axes.empty()) {
    std::vector<std::size_t> at(raw.axes.size(), 0);
    for (;;) {
      std::vector<std::pair<std::string, std::string>> c;
      for (std::size_t a = 0; a < raw.axes.size(); ++a)
        c.emplace_back(raw.axes[a].first, raw.axes[a].second[at[a]]);
      out.push_back(std::move(c));
      std::size_t a = raw.axes.size();
      while (a > 0 && ++at[a - 1] == raw.axes[a - 1].second.size()) at[--a] = 0;
      if (a == 0) break;
    }
  }
  out.insert(out.end(), raw.points.begin(), raw.points.end());
  return out;
}

}  // namespace

SweepSpec parse_sweep_spec(const std::string& text, const std::filesystem::path& as_path,
                           const SweepLoadOptions& options) {
  const YamlDocument doc = YamlDocument::parse(text, as_path);
  Diagnostics diag;
  SweepSpec spec;
  spec.file = as_path;
  const RawSweep raw = read_raw(doc, spec.base, options.check_base_exists, diag);
  diag.throw_if_any();

  for (const auto& [k, v] : raw.set) spec.common_overrides.push_back(k + "=" + v);
  if (options.reduced)
    for (const auto& [k, v] : raw.reduced) spec.common_overrides.push_back(k + "=" + v);
  for (const auto& o : options.extra_overrides) spec.common_overrides.push_back(o);
  for (const auto& [key, values] : raw.axes) add_key(spec.param_keys, key);
  for (const auto& p : raw.points)
    for (const auto& kv : p) add_key(spec.param_keys, kv.first);
  if (!raw.seeds.empty() &&
      std::find(spec.param_keys.begin(), spec.param_keys.end(), "seed") != spec.param_keys.end())
    diag.error(doc.locate(SectionReader::child(doc.root(), "seeds"), "seeds"), "seeds",
               "'seed' is also a point parameter; give seeds in one place only");

  std::map<std::string, std::size_t> seen;
  const std::vector<std::optional<std::uint64_t>> seeds =
      raw.seeds.empty()
          ? std::vector<std::optional<std::uint64_t>>{std::nullopt}
          : std::vector<std::optional<std::uint64_t>>(raw.seeds.begin(), raw.seeds.end());
  for (const auto& combo : combinations(raw)) {
    for (const auto& seed : seeds) {
      SweepPoint p;
      p.index = spec.points.size();
      p.params = combo;
      p.seed = seed;
      p.overrides = spec.common_overrides;
      for (const auto& [k, v] : combo) p.overrides.push_back(k + "=" + v);
      if (seed) p.overrides.push_back("seed=" + std::to_string(*seed));
      p.id = point_id(p, spec.base);
      if (const auto [it, fresh] = seen.emplace(p.id, p.index); !fresh)
        diag.error(Location{as_path.string()}, "points",
                   "point " + std::to_string(p.index) + " (" + p.id + ") repeats point " +
                       std::to_string(it->second));
      spec.points.push_back(std::move(p));
    }
  }
  diag.throw_if_any();
  return spec;
}

SweepSpec load_sweep_spec(const std::filesystem::path& file, const SweepLoadOptions& options) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ScenarioError({file.string() + ": cannot read file (missing or unreadable)"});
  std::ostringstream text;
  text << in.rdbuf();
  SweepLoadOptions checked = options;
  checked.check_base_exists = true;
  return parse_sweep_spec(text.str(), file, checked);
}

std::vector<SweepPoint> shard_points(const std::vector<SweepPoint>& points, std::size_t shard,
                                     std::size_t shards) {
  std::vector<SweepPoint> out;
  for (const auto& p : points)
    if (p.index % shards == shard) out.push_back(p);
  return out;
}

bool parse_shard(const std::string& text, std::size_t& shard, std::size_t& shards) {
  const auto slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) return false;
  const std::string a = text.substr(0, slash), b = text.substr(slash + 1);
  const auto digits = [](const std::string& s) {
    return s.size() <= 9 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(a) || !digits(b)) return false;
  shard = std::stoul(a);
  shards = std::stoul(b);
  return shards > 0 && shard < shards;
}

nlohmann::json sweep_manifest(const SweepSpec& spec) {
  nlohmann::json m;
  m["sweep"] = spec.file.string();
  m["base"] = spec.base.string();
  m["param_keys"] = spec.param_keys;
  m["common_overrides"] = spec.common_overrides;
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : spec.points) {
    nlohmann::json j;
    j["index"] = p.index;
    j["id"] = p.id;
    nlohmann::json params = nlohmann::json::array();
    for (const auto& [k, v] : p.params) params.push_back({k, v});
    j["params"] = params;
    if (p.seed) j["seed"] = *p.seed;
    j["overrides"] = p.overrides;
    points.push_back(std::move(j));
  }
  m["points"] = std::move(points);
  return m;
}

SweepSpec spec_from_manifest(const nlohmann::json& m) {
  try {
    SweepSpec spec;
    spec.file = m.at("sweep").get<std::string>();
    spec.base = m.at("base").get<std::string>();
    spec.param_keys = m.at("param_keys").get<std::vector<std::string>>();
    spec.common_overrides = m.at("common_overrides").get<std::vector<std::string>>();
    for (const auto& j : m.at("points")) {
      SweepPoint p;
      p.index = j.at("index").get<std::size_t>();
      p.id = j.at("id").get<std::string>();
      for (const auto& kv : j.at("params"))
        p.params.emplace_back(kv.at(0).get<std::string>(), kv.at(1).get<std::string>());
      if (j.contains("seed")) p.seed = j.at("seed").get<std::uint64_t>();
      p.overrides = j.at("overrides").get<std::vector<std::string>>();
      spec.points.push_back(std::move(p));
    }
    return spec;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("sweep.json is not a sweep manifest: ") + e.what());
  }
}

}  // namespace xpusim::experiments
