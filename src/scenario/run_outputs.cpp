#include "xpusim/scenario/run_outputs.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>

#include <yaml-cpp/yaml.h>

#include "xpusim/core/error.hpp"
#include "xpusim/report/atomic_file.hpp"

namespace xpusim::scenario {

namespace fs = std::filesystem;

nlohmann::json resolved_sections_json(const std::vector<std::pair<std::string, Params>>& sections) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [section, params] : sections) {
    nlohmann::json obj = nlohmann::json::object();
    for (const auto& [k, v] : params.values())
      obj[k] = std::visit([](const auto& x) { return nlohmann::json(x); }, v);
    out[section] = obj;
  }
  return out;
}

void add_run_fields(nlohmann::json& summary, double simulated_s, std::uint64_t events, std::uint64_t seed,
                    const std::vector<std::pair<std::string, Params>>& resolved) {
  summary["simulated_s"] = simulated_s;
  summary["events"] = events;
  summary["seed"] = seed;
  summary["scenario"] = resolved_sections_json(resolved);
}

namespace {

// The shortest text that reads back as the same double (std::to_chars' round-trip guarantee).
std::string shortest(double v) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : nlohmann::json(v).dump();
}

// A resolved value as the YAML scalar text that reads back to it.
std::string yaml_scalar(const nlohmann::json& v, const fs::path& scenario_dir) {
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) return shortest(v.get<double>());
  if (!v.is_string()) return v.dump();
  const std::string text = v.get<std::string>();
  if (!scenario_dir.empty() && !text.empty() && fs::path(text).is_relative()) {
    std::error_code ec;
    const fs::path file = scenario_dir / text;
    if (fs::is_regular_file(file, ec)) return fs::absolute(file, ec).lexically_normal().string();
  }
  return text;
}

// A list's place in the tree below: {kListMarker: "YAML text"}.
constexpr const char* kListMarker = "\x01list";

// The map at dotted `path` under `tree` (created as needed); null when a scalar is in the way.
nlohmann::json* map_at(nlohmann::json& tree, const std::string& path) {
  nlohmann::json* at = &tree;
  std::size_t from = 0;
  while (from <= path.size()) {
    const std::size_t dot = std::min(path.find('.', from), path.size());
    nlohmann::json& next = (*at)[path.substr(from, dot - from)];
    if (next.is_null()) next = nlohmann::json::object();
    if (!next.is_object() || next.contains(kListMarker)) return nullptr;
    at = &next;
    from = dot + 1;
  }
  return at;
}

// Scalars (strings of YAML text) before nested maps, so the top-level keys come first.
void emit(YAML::Emitter& out, const nlohmann::json& node) {
  if (node.is_object() && node.contains(kListMarker)) {
    out << YAML::Load(node.at(kListMarker).get<std::string>());
    return;
  }
  if (!node.is_object()) {
    out << node.get<std::string>();
    return;
  }
  out << YAML::BeginMap;
  for (const bool maps : {false, true})
    for (const auto& [k, v] : node.items())
      if ((v.is_object() && !v.contains(kListMarker)) == maps) {
        out << YAML::Key << k << YAML::Value;
        emit(out, v);
      }
  out << YAML::EndMap;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> scenario_lists(const YAML::Node& root) {
  std::vector<std::pair<std::string, std::string>> out;
  // Appended to, never erased from: assigning a YAML::Node (as erase's shifting does) would
  // rebind the document's own nodes.
  std::vector<std::pair<std::string, YAML::Node>> todo{{"", root}};
  for (std::size_t i = 0; i < todo.size(); ++i) {
    const std::string prefix = todo[i].first;
    const YAML::Node node = todo[i].second;
    if (!node.IsMap()) continue;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = (prefix.empty() ? "" : prefix + ".") + it->first.Scalar();
      if (it->second.IsSequence()) {
        YAML::Emitter e;
        e.SetMapFormat(YAML::Flow);
        e.SetSeqFormat(YAML::Flow);
        e << it->second;
        out.emplace_back(key, e.c_str());
      } else if (it->second.IsMap()) {
        todo.emplace_back(key, it->second);
      }
    }
  }
  return out;
}

namespace {

// Whether `section` is a list item ("cluster.pools[1]") or a map inside one
// ("cluster.pools[1].hardware"); fills the list's key, the index and the inner key ("" for the
// item itself).
bool list_item(const std::string& section, std::string& list, std::size_t& index,
               std::string& inner) {
  const auto open = section.find('[');
  const auto close = open == std::string::npos ? open : section.find(']', open);
  if (close == std::string::npos) return false;
  list = section.substr(0, open);
  index = std::stoul(section.substr(open + 1, close - open - 1));
  inner = close + 2 <= section.size() ? section.substr(close + 2) : "";
  return true;
}

// The resolved items of list sections ("cluster.pools[1]" -> "cluster.pools"), each list as
// the YAML text of a flow sequence of its items' maps, in index order; an item's inner maps
// ("cluster.pools[1].hardware") follow its scalars.
std::map<std::string, std::string> resolved_items(const nlohmann::json& resolved,
                                                  const fs::path& scenario_dir) {
  struct Item {
    const nlohmann::json* scalars = nullptr;
    std::map<std::string, const nlohmann::json*> maps;
  };
  std::map<std::string, std::map<std::size_t, Item>> lists;
  for (const auto& [section, params] : resolved.items()) {
    std::string list, inner;
    std::size_t index = 0;
    if (!list_item(section, list, index, inner)) continue;
    Item& item = lists[list][index];
    if (inner.empty()) item.scalars = &params;
    else item.maps[inner] = &params;
  }
  auto emit_scalars = [&](YAML::Emitter& e, const nlohmann::json& params) {
    for (const auto& [k, v] : params.items())
      e << YAML::Key << k << YAML::Value << yaml_scalar(v, scenario_dir);
  };
  std::map<std::string, std::string> out;
  for (const auto& [key, items] : lists) {
    YAML::Emitter e;
    e.SetMapFormat(YAML::Flow);
    e.SetSeqFormat(YAML::Flow);
    e << YAML::BeginSeq;
    for (const auto& [index, item] : items) {
      e << YAML::BeginMap;
      if (item.scalars) emit_scalars(e, *item.scalars);
      for (const auto& [inner, params] : item.maps) {
        e << YAML::Key << inner << YAML::Value << YAML::BeginMap;
        emit_scalars(e, *params);
        e << YAML::EndMap;
      }
      e << YAML::EndMap;
    }
    e << YAML::EndSeq;
    out[key] = e.c_str();
  }
  return out;
}

}  // namespace

std::string resolved_scenario_yaml(const nlohmann::json& resolved, const fs::path& scenario_dir,
                                   const std::vector<std::pair<std::string, std::string>>& lists) {
  nlohmann::json tree = nlohmann::json::object();
  // List items resolved one by one replace the document's own list (placed first, below).
  std::vector<std::pair<std::string, std::string>> all_lists;
  for (auto& item : resolved_items(resolved, scenario_dir)) all_lists.push_back(std::move(item));
  all_lists.insert(all_lists.end(), lists.begin(), lists.end());
  for (const auto& [section, params] : resolved.items()) {
    std::string list, inner;
    std::size_t index = 0;
    if (list_item(section, list, index, inner)) continue;  // a list item: in all_lists
    nlohmann::json* at = section == "scenario" ? &tree : map_at(tree, section);
    if (!at) continue;
    for (const auto& [k, v] : params.items()) (*at)[k] = yaml_scalar(v, scenario_dir);
  }
  for (const auto& [key, text] : all_lists) {
    const auto dot = key.rfind('.');
    nlohmann::json* at = dot == std::string::npos ? &tree : map_at(tree, key.substr(0, dot));
    const std::string last = dot == std::string::npos ? key : key.substr(dot + 1);
    if (at && !at->contains(last)) (*at)[last] = {{kListMarker, text}};
  }
  YAML::Emitter out;
  emit(out, tree);
  return "# The resolved scenario of this run (every default filled in); `xpusim run` on this\n"
         "# file repeats the run (run.json holds the command line that made it).\n" +
         std::string(out.c_str()) + "\n";
}

void create_output_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create output directory " + dir.string() + ": " + ec.message());
}

void write_outputs(const RunOptions& options,
                   const std::vector<std::pair<std::string, std::string>>& files,
                   const std::vector<report::AtomicFile*>& streamed) {
  const fs::path& dir = options.out_dir;
  create_output_dir(dir);
  std::vector<std::pair<std::string, std::string>> all_files = files;
  // summary.json stays last: its presence means the run completed.
  auto at = all_files.end();
  if (!all_files.empty() && all_files.back().first == "summary.json") {
    --at;
    const nlohmann::json summary = nlohmann::json::parse(at->second);
    if (summary.contains("scenario"))
      at = all_files.insert(at, {"scenario.yaml",
                                 resolved_scenario_yaml(summary.at("scenario"), options.scenario_dir,
                                                        options.scenario_lists)}) + 1;
  }
  if (options.run_record) at = all_files.insert(at, {"run.json", options.run_record()}) + 1;
  std::vector<std::unique_ptr<report::AtomicFile>> owned;
  std::vector<report::AtomicFile*> all = streamed;
  for (const auto& [name, text] : all_files) {
    owned.push_back(std::make_unique<report::AtomicFile>(dir / name));
    owned.back()->stream() << text;
    all.push_back(owned.back().get());
  }
  report::commit_together(all);
}

}  // namespace xpusim::scenario
