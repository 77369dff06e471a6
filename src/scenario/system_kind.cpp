#include "xpusim/scenario/system_kind.hpp"

#include <set>

#include "xpusim/core/error.hpp"

namespace xpusim::scenario {

const ParamBinding<TopLevel>& TopLevel::binding() {
  static const auto b =
      ParamBinding<TopLevel>()
          .string(XPUSIM_KEY(TopLevel, system),
                  "kind of simulated system; each kind reads its own sections (docs/scenarios.md)")
          .string(XPUSIM_KEY(TopLevel, name),
                  "scenario name (default: the file name without extension)")
          .integer(XPUSIM_KEY(TopLevel, seed), "", "seed every random stream is derived from",
                   {.min = 0})
          .real(XPUSIM_KEY(TopLevel, horizon_s), "s",
                "stop simulated time here; 0 runs until every request is done",
                {.min = 0, .max = 9e9});
  return b;
}

ParamSchema top_level_schema() { return TopLevel::binding().schema(); }

namespace {

SectionDecl with_schema(std::string key, std::string title, SectionDecl::Form form,
                        std::function<ParamSchema()> schema) {
  SectionDecl s;
  s.key = std::move(key);
  s.title = std::move(title);
  s.form = form;
  s.schema = std::move(schema);
  return s;
}

// The node of a dotted section key ("cluster.router"). (Recursion, not a loop: assigning to a
// YAML::Node writes into the node it refers to, so a node variable cannot walk down the tree.)
YAML::Node node_below(const YAML::Node& parent, const std::string& key) {
  const std::size_t dot = key.find('.');
  const YAML::Node node = SectionReader::child(parent, key.substr(0, dot));
  return dot == std::string::npos ? node : node_below(node, key.substr(dot + 1));
}
YAML::Node node_of(const SectionReader& ld, const std::string& key) {
  return node_below(ld.doc.root(), key);
}

// The Items key an indexed record belongs to: "workload.jobs[2]" -> "workload.jobs[]".
std::string items_key(const std::string& key) {
  const auto open = key.rfind('[');
  return open == std::string::npos ? key : key.substr(0, open) + "[]";
}

}  // namespace

SectionDecl plain_section(std::string key, std::string title, std::function<ParamSchema()> schema) {
  return with_schema(std::move(key), std::move(title), SectionDecl::Form::Plain, std::move(schema));
}

SectionDecl preset_section(std::string key, std::string title, std::string preset_dir,
                           std::function<ParamSchema()> schema) {
  SectionDecl s =
      with_schema(std::move(key), std::move(title), SectionDecl::Form::Preset, std::move(schema));
  s.preset_dir = std::move(preset_dir);
  return s;
}

SectionDecl items_section(std::string key, std::string title, std::function<ParamSchema()> schema) {
  return with_schema(std::move(key), std::move(title), SectionDecl::Form::Items, std::move(schema));
}

const SectionDecl* SystemKind::find(const std::string& key) const {
  for (const auto& s : sections)
    if (s.key == key) return &s;
  return nullptr;
}

KindReader::KindReader(const SystemKind& kind, const YamlDocument& doc, Diagnostics& diag,
                       const Catalogs& cat)
    : ld{doc, diag}, catalogs(cat), kind_(kind) {
  std::set<std::string> heads;
  for (const auto& s : kind.sections) {
    heads.insert(s.head());
    if (!s.required.empty()) ld.require(s.key, s.required);
  }
  top_ = ld.plain("", top_level_schema(), heads);
  if (ld.failed_sections.count("")) return;  // reported; the kind's load throws at its end
  const TopLevel top = TopLevel::binding().bind(top_);
  name_ = top.name.empty() ? doc.path().stem().string() : top.name;
  seed_ = static_cast<std::uint64_t>(top.seed);
  horizon_s_ = top.horizon_s;
}

const SectionDecl& KindReader::declared(const std::string& key, SectionDecl::Form form) const {
  const SectionDecl* s = kind_.find(key);
  XPUSIM_CHECK(s && s->form == form,
               "system kind '" + kind_.name + "' reads section '" + key + "' it does not declare");
  return *s;
}

Params KindReader::plain(const std::string& key) {
  const SectionDecl& s = declared(key, SectionDecl::Form::Plain);
  std::set<std::string> nested;  // declared sub-sections: "cluster.router" -> "router"
  for (const auto& other : kind_.sections)
    if (other.key.size() > key.size() + 1 && other.key.compare(0, key.size() + 1, key + ".") == 0) {
      std::string sub = other.key.substr(key.size() + 1);
      sub = sub.substr(0, sub.find('.'));
      if (sub.ends_with("[]")) sub.resize(sub.size() - 2);
      nested.insert(sub);
    }
  Params p = ld.plain(key, s.schema(), nested);
  recorded_[key] = p;
  return p;
}

bool KindReader::preset(const std::string& key, Params& out) {
  const SectionDecl& s = declared(key, SectionDecl::Form::Preset);
  if (ld.section(key).IsNull() || !ld.read_with_preset(key, s.preset_dir, s.schema(), out))
    return false;
  recorded_[key] = out;
  return true;
}

bool KindReader::select(const std::string& key, Selection& out) {
  const SectionDecl& s = declared(key, SectionDecl::Form::Selection);
  const bool ok = s.read(ld, catalogs, node_of(ld, key), out);
  recorded_[key] = out.params;
  return ok;
}

void KindReader::record(const std::string& key, Params params) {
  const std::string base = items_key(key);
  XPUSIM_CHECK(kind_.find(base) != nullptr,
               "system kind '" + kind_.name + "' records section '" + key + "' it does not declare");
  if (base != key && !recorded_.count(key)) extra_order_.push_back(key);
  recorded_[key] = std::move(params);
}

std::vector<std::pair<std::string, Params>> KindReader::resolved() const {
  std::vector<std::pair<std::string, Params>> out = {{"scenario", top_}};
  for (const auto& s : kind_.sections)
    if (auto it = recorded_.find(s.key); it != recorded_.end()) out.emplace_back(s.key, it->second);
  for (const auto& key : extra_order_) out.emplace_back(key, recorded_.at(key));
  return out;
}

}  // namespace xpusim::scenario
