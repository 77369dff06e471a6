#include "xpusim/scenario/yaml_document.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <vector>
#include <sstream>

#include <yaml-cpp/depthguard.h>

#include "xpusim/core/excerpt.hpp"
#include "xpusim/core/suggest.hpp"
#include "xpusim/core/utf8.hpp"

namespace xpusim::scenario {

namespace {

std::string mark_text(const std::filesystem::path& path, const YAML::Mark& mark) {
  std::ostringstream os;
  os << path.string();
  if (mark.line >= 0) os << ":" << mark.line + 1 << ":" << mark.column + 1;
  return os.str();
}

// yaml-cpp expands aliases without limit; a "billion laughs" document would take all memory,
// and an alias inside its own anchor (`a: &a [*a]`) makes a cyclic graph.
constexpr std::size_t kMaxNodes = 1'000'000;

// Walks the document once, iteratively (a cycle or deep nesting must not exhaust the stack):
// counts nodes up to kMaxNodes, and rejects map keys that are not scalars or appear twice in one
// map (yaml-cpp keeps both and silently reads the first).
void check_structure(const YAML::Node& root, const std::filesystem::path& path) {
  std::vector<YAML::Node> todo{root};
  std::size_t seen = 0;
  while (!todo.empty()) {
    const YAML::Node node = todo.back();
    todo.pop_back();
    if (++seen > kMaxNodes)
      throw ScenarioError({path.string() + ": YAML expands to more than 1,000,000 nodes "
                                           "(aliases nested too deep, or an alias inside its own "
                                           "anchor?)"});
    if (node.IsSequence()) {
      for (auto it = node.begin(); it != node.end(); ++it) todo.push_back(*it);
    } else if (node.IsMap()) {
      std::map<std::string, YAML::Mark> keys;
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->first.IsScalar())
          throw ScenarioError({mark_text(path, it->first.Mark()) +
                               ": malformed YAML: a map key must be a plain name, not a " +
                               (it->first.IsMap() ? "map" : it->first.IsSequence() ? "list" : "null")});
        const auto [prev, fresh] = keys.emplace(it->first.Scalar(), it->first.Mark());
        if (!fresh)
          throw ScenarioError({mark_text(path, it->first.Mark()) + ": key '" + it->first.Scalar() +
                               "': appears twice in the same map (first at line " +
                               std::to_string(prev->second.line + 1) + ")"});
        todo.push_back(it->second);
      }
    }
  }
}

std::string offset_text(const std::filesystem::path& path, const std::string& s, std::size_t at) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < at; ++i) {
    if (s[i] == '\n') { ++line; col = 1; } else { ++col; }
  }
  return path.string() + ":" + std::to_string(line) + ":" + std::to_string(col);
}

}  // namespace

YamlDocument YamlDocument::parse(const std::string& text, const std::filesystem::path& as_path) {
  YamlDocument doc;
  doc.path_ = as_path;
  // Scenario files are UTF-8: yaml-cpp would also take UTF-16/32 behind a byte-order mark, and
  // passes invalid bytes through into names that reach JSON outputs.
  const std::size_t bad = first_invalid_utf8(text);
  if (bad != std::string::npos)
    throw ScenarioError({offset_text(as_path, text, bad) + ": not UTF-8 text (byte 0x" +
                         [&] {
                           static const char* hex = "0123456789abcdef";
                           const auto b = static_cast<unsigned char>(text[bad]);
                           return std::string{hex[b >> 4], hex[b & 15]};
                         }() + "); scenario files must be UTF-8"});
  if (text.find('\0') != std::string::npos)
    throw ScenarioError({offset_text(as_path, text, text.find('\0')) +
                         ": a NUL byte; scenario files must be UTF-8 text"});
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(text);
    // A second document (after `---`) would be ignored silently by a single-document load.
    if (docs.size() > 1) {
      std::size_t at = text.find("\n---");
      at = at == std::string::npos ? 0 : at + 1;
      throw ScenarioError({offset_text(as_path, text, at) +
                           ": a second YAML document ('---'); a scenario is one document "
                           "(expected one map of sections; remove the '---' line)"});
    }
    if (!docs.empty()) doc.root_ = docs.front();
  } catch (const YAML::DeepRecursion& e) {
    throw ScenarioError({mark_text(as_path, e.mark) + ": malformed YAML: nested more than " +
                         std::to_string(e.depth()) + " levels deep"});
  } catch (const YAML::Exception& e) {
    throw ScenarioError({mark_text(as_path, e.mark) + ": malformed YAML: " + e.msg});
  }
  check_structure(doc.root_, as_path);
  if (doc.root_.IsNull()) doc.root_ = YAML::Node(YAML::NodeType::Map);
  if (!doc.root_.IsMap())
    throw ScenarioError({mark_text(as_path, doc.root_.Mark()) +
                         ": expected a YAML map of sections at the top level"});
  return doc;
}

YamlDocument YamlDocument::load(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw ScenarioError({path.string() + ": is a directory (expected a scenario YAML file)"});
  // A device or pipe (preset: /dev/zero) would be read forever; a scenario is a small file.
  constexpr std::uintmax_t kMaxBytes = 64u << 20;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
    throw ScenarioError({path.string() + ": not a regular file (expected a scenario YAML file)"});
  if (std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) > kMaxBytes)
    throw ScenarioError({path.string() + ": larger than 64 MiB (expected a scenario YAML file)"});
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError({path.string() + ": cannot read file (missing or unreadable)"});
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

void YamlDocument::apply_unset(const std::string& key, Diagnostics& diag) {
  const Location at{"--unset " + key};
  if (key.empty() || key.front() == '.' || key.back() == '.' || key.find("..") != std::string::npos) {
    diag.error(at, key, "expected a dotted key with no empty parts, e.g. batching.max_num_batched_tokens");
    return;
  }
  std::vector<std::string> parts;
  std::stringstream ss(key);
  for (std::string part; std::getline(ss, part, '.');) parts.push_back(part);
  std::vector<YAML::Node> chain{root_};
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    const YAML::Node child = chain.back().IsMap() ? chain.back()[parts[i]] : YAML::Node();
    if (!child.IsDefined() || !child.IsMap()) break;
    chain.push_back(child);
  }
  if (chain.size() != parts.size() || !chain.back().IsMap() || !chain.back()[parts.back()]) {
    diag.error(at, key, "not set in the scenario, so there is nothing to unset");
    return;
  }
  chain.back().remove(parts.back());
}

void YamlDocument::merge_preset(const std::string& section, const YAML::Node& preset,
                                const std::filesystem::path& file) {
  YAML::Node target = root_[section];
  for (auto it = preset.begin(); it != preset.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (target[key]) continue;  // the scenario's own value (or its --set) wins
    target[key] = it->second;
    from_preset_[section + "." + key] = file;
  }
}

void YamlDocument::apply_override(const std::string& assignment, Diagnostics& diag) {
  if (!assignment.empty() && assignment.front() == '~') {
    apply_unset(assignment.substr(1), diag);
    return;
  }
  const Location at{"--set " + assignment};
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    diag.error(at, "", "expected KEY=VALUE with a dotted key, e.g. workload.rate_per_s=12");
    return;
  }
  const std::string key = assignment.substr(0, eq);
  if (key.front() == '.' || key.back() == '.' || key.find("..") != std::string::npos) {
    diag.error(at, key, "a dotted key has no empty parts (e.g. workload.rate_per_s=12)");
    return;
  }
  if (first_invalid_utf8(assignment) != std::string::npos) {
    diag.error(at, "", "not UTF-8 text; overrides must be UTF-8");
    return;
  }
  YAML::Node value;
  try {
    value = YAML::Load(assignment.substr(eq + 1));
    check_structure(value, "--set " + assignment);
  } catch (const YAML::Exception& e) {
    diag.error(at, key, "value is not valid YAML: " + e.msg);
    return;
  } catch (const ScenarioError& e) {
    diag.error(at, key, "value rejected: " + std::string(e.what()));
    return;
  }
  std::vector<std::string> parts;
  std::stringstream ss(key);
  for (std::string part; std::getline(ss, part, '.');) parts.push_back(part);
  // Walk with fresh handles: yaml-cpp's operator= on a handle would rebind, not descend.
  std::vector<YAML::Node> chain{root_};
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node child = chain.back()[parts[i]];
    if (child.IsDefined() && !child.IsNull() && !child.IsMap()) {
      diag.error(at, key, "'" + parts[i] + "' is not a map, so it has no key '" + parts[i + 1] + "'");
      return;
    }
    if (!child.IsDefined() || child.IsNull()) chain.back()[parts[i]] = YAML::Node(YAML::NodeType::Map);
    chain.push_back(chain.back()[parts[i]]);
  }
  chain.back()[parts.back()] = value;
  overridden_.insert(key);
  override_text_[key] = assignment;
}

Location YamlDocument::locate(const YAML::Node& node, const std::string& dotted_key) const {
  // A key a section preset supplied (or a key inside its value): its marks are in the preset,
  // even when the section itself was named by --set (`--set slo=NAME`).
  if (node.IsDefined())
    for (std::string k = dotted_key;; k.erase(k.rfind('.'))) {
      if (const auto it = from_preset_.find(k); it != from_preset_.end())
        return {mark_text(it->second, node.Mark()) + " (preset)"};
      if (k.find('.') == std::string::npos) break;
    }
  if (overridden_.count(dotted_key)) return {"--set " + override_text_.at(dotted_key)};
  // A key inside a value given by --set (`--set 'cluster={instances: 0}'`): its node's line and
  // column are positions in the --set text, not in the file.
  for (std::string k = dotted_key; k.find('.') != std::string::npos;) {
    k.erase(k.rfind('.'));
    if (overridden_.count(k)) return {"--set " + override_text_.at(k)};
  }
  if (!node.IsDefined()) return {path_.string()};  // an absent key has no position
  return {mark_text(path_, node.Mark())};
}

bool convert_scalar(const YAML::Node& node, const ParamDecl& decl, ParamValue& out,
                    std::string& why) {
  if (!node.IsScalar()) {
    why = "expected " + decl.expected() + ", got a " + (node.IsMap() ? "map" : node.IsSequence() ? "list" : "null value");
    return false;
  }
  const std::string& text = node.Scalar();
  const auto fail = [&] {
    why = "expected " + decl.expected() + ", got " + quoted_excerpt(text);
    return false;
  };
  switch (decl.type) {
    case ParamType::String:
    case ParamType::Choice: out = text; return true;
    case ParamType::Bool:
      if (text == "true") out = true;
      else if (text == "false") out = false;
      else return fail();
      return true;
    case ParamType::Int: {
      errno = 0;
      char* end = nullptr;
      const long long v = std::strtoll(text.c_str(), &end, 10);
      if (!text.empty() && *end == '\0' && errno == 0) {
        out = static_cast<std::int64_t>(v);
        return true;
      }
      // Accept integral reals such as 1e6, a common way to write large counts.
      const double d = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || !std::isfinite(d) || d != std::floor(d) ||
          std::fabs(d) > 9.0e18)
        return fail();
      out = static_cast<std::int64_t>(d);
      return true;
    }
    case ParamType::Real: {
      errno = 0;
      char* end = nullptr;
      const double d = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(d)) return fail();
      out = d;
      return true;
    }
  }
  return fail();
}

LocatedMap read_params_map(const YamlDocument& doc, const YAML::Node& node,
                           const std::string& prefix, const ParamSchema& schema,
                           const std::set<std::string>& extra_keys, Diagnostics& diag) {
  LocatedMap out;
  out.self = doc.locate(node, prefix);
  if (!node.IsDefined() || node.IsNull()) return out;
  if (!node.IsMap()) {
    diag.error(out.self, prefix, "expected a map of parameters");
    return out;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.as<std::string>();
    const std::string dotted = prefix.empty() ? key : prefix + "." + key;
    const Location at = doc.locate(it->first, dotted);
    if (extra_keys.count(key)) continue;
    const ParamDecl* decl = schema.find(key);
    if (!decl) {
      std::string known;
      for (const auto& d : schema.decls()) known += (known.empty() ? "" : ", ") + d.name;
      for (const auto& k : extra_keys) known += (known.empty() ? "" : ", ") + k;
      std::vector<std::string> names(extra_keys.begin(), extra_keys.end());
      for (const auto& d : schema.decls()) names.push_back(d.name);
      diag.error(at, dotted, "unknown key (expected one of: " + known + ")" + did_you_mean(key, names));
      continue;
    }
    ParamValue value;
    std::string why;
    const Location value_at = doc.locate(it->second, dotted);
    if (!convert_scalar(it->second, *decl, value, why)) {
      diag.error(value_at, dotted, why);
      out.invalid.insert(key);
      continue;
    }
    const std::string problem = check_value(*decl, value);
    if (!problem.empty()) {
      diag.error(value_at, dotted, problem);
      out.invalid.insert(key);
      continue;
    }
    out.values[key] = value;
    out.where[key] = value_at;
  }
  return out;
}

bool resolve_located(const ParamSchema& schema, const LocatedMap& given,
                     const std::string& prefix, Params& out, Diagnostics& diag) {
  // Report every missing required key; keys given with a bad value were reported already.
  bool complete = given.invalid.empty();
  for (const auto& d : schema.decls()) {
    if (d.default_value || given.values.count(d.name) || given.invalid.count(d.name)) continue;
    diag.error(given.self, prefix.empty() ? d.name : prefix + "." + d.name,
               "missing required key (" + d.expected() + ")");
    complete = false;
  }
  if (!complete) return false;
  try {
    out = resolve_params(schema, given.values);
    return true;
  } catch (const ParamError& e) {
    const auto it = given.where.find(e.key());
    const std::string dotted = prefix.empty() ? e.key() : prefix + "." + e.key();
    std::string msg = e.what();
    // resolve_params phrases messages as "key 'k': ..." or "missing required key 'k' (...)";
    // the location prefix names the key already, so keep only the explanation.
    const std::string lead = "key '" + e.key() + "': ";
    if (msg.rfind(lead, 0) == 0) msg = msg.substr(lead.size());
    diag.error(it != given.where.end() ? it->second : given.self, dotted, msg);
    return false;
  }
}

}  // namespace xpusim::scenario
