// `xpusim list`: generated from the table of system kinds (scenario/system_kinds.hpp), the same
// declarations the loader validates against. Every line fits in 80 columns.
#include "xpusim/build_paths.hpp"
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "xpusim/cli/commands.hpp"
#include "xpusim/core/suggest.hpp"
#include "xpusim/scenario/system_kinds.hpp"

namespace xpusim::cli {

namespace {

namespace fs = std::filesystem;
using scenario::SectionDecl;
using scenario::SystemKind;

constexpr std::size_t kWidth = 80;

// `text` word-wrapped to kWidth: the first line starts with `first`, later ones with `indent`
// spaces. A word longer than a line stands alone on its line.
void wrap(std::ostream& os, const std::string& first, std::size_t indent, const std::string& text) {
  std::string line = first;
  bool fresh = true;  // nothing but the lead-in on this line yet
  std::istringstream words(text);
  for (std::string w; words >> w;) {
    if (!fresh && line.size() + 1 + w.size() > kWidth) {
      os << line << "\n";
      line = std::string(indent, ' ');
      fresh = true;
    }
    line += (fresh && (line.empty() || line.back() == ' ') ? "" : " ") + w;
    fresh = false;
  }
  os << line << "\n";
}

std::string default_text(const ParamDecl& d) {
  if (!d.default_value) return "required";
  if (std::holds_alternative<std::string>(*d.default_value) &&
      std::get<std::string>(*d.default_value).empty())
    return "default \"\"";
  return "default " + format_value(*d.default_value);
}

// `key: expected, default`, then the help below it.
void print_decl(std::ostream& os, const ParamDecl& d, std::size_t indent) {
  const std::string pad(indent, ' ');
  wrap(os, pad + d.name + ":", indent + 4, d.expected() + ", " + default_text(d));
  if (!d.help.empty()) wrap(os, pad + "    ", indent + 4, d.help);
}

void print_schema(std::ostream& os, const ParamSchema& schema, std::size_t indent) {
  for (const auto& d : schema.decls()) print_decl(os, d, indent);
}

fs::path configs_root() { return fs::path(XPUSIM_SOURCE_DIR) / "configs"; }

std::vector<std::string> presets_of(const SectionDecl& s) {
  return scenario::preset_names({configs_root()}, s.preset_dir, s.schema());
}

std::string section_heading(const SectionDecl& s) {
  std::string h = s.key;
  if (s.form == SectionDecl::Form::Selection) h += "." + s.selector;
  h += ": " + s.title;
  if (s.form == SectionDecl::Form::Selection && !s.default_choice.empty())
    h += "; default " + s.default_choice;
  if (!s.required.empty()) h += "; required";
  return h;
}

void print_choice(std::ostream& os, const scenario::ChoiceInfo& c) {
  wrap(os, "  " + c.name + " --", 6, c.help);
  print_schema(os, c.schema, 6);
}

void print_section(std::ostream& os, const SectionDecl& s, const scenario::Catalogs& catalogs) {
  wrap(os, "", 4, section_heading(s));
  if (s.form == SectionDecl::Form::Selection) {
    for (const auto& c : s.choices(catalogs)) print_choice(os, c);
  } else {
    print_schema(os, s.schema(), 2);
  }
  if (s.form == SectionDecl::Form::Preset) {
    std::string names;
    for (const auto& n : presets_of(s)) names += (names.empty() ? "" : " ") + n;
    wrap(os, "  presets (configs/" + s.preset_dir + "/):", 6, names);
  }
  os << "\n";
}

void print_top_level(std::ostream& os) {
  os << "top-level keys (every kind):\n";
  print_schema(os, scenario::top_level_schema(), 2);
  os << "\n";
}

// Where a section was printed first, so a kind that shares it says so instead of repeating it.
using Seen = std::vector<std::pair<const SectionDecl*, std::string>>;

void print_kind(std::ostream& os, const SystemKind& k, const scenario::Catalogs& catalogs,
                Seen& seen) {
  wrap(os, "== system: " + k.name + " --", 4, k.description + " ==");
  os << "\n";
  for (const auto& s : k.sections) {
    const auto same = std::find_if(seen.begin(), seen.end(), [&](const auto& p) {
      return p.first->key == s.key && p.first->title == s.title;
    });
    if (same != seen.end()) {
      wrap(os, "", 4, s.key + ": as in system: " + same->second +
                          (s.required.empty() ? "" : "; required"));
      os << "\n";
      continue;
    }
    seen.emplace_back(&s, k.name);
    print_section(os, s, catalogs);
  }
}

// One section matched by a family name, with the kind declaring it.
struct Match {
  const SystemKind* kind;
  const SectionDecl* section;
};

std::string last_part(const std::string& key) {
  std::string k = key.substr(key.rfind('.') + 1);
  if (k.ends_with("[]")) k.resize(k.size() - 2);
  return k;
}

// A family name for a section: its key, its key's last part, or KIND.KEY / KIND_KEY.
bool names_section(const std::string& family, const SystemKind& k, const SectionDecl& s) {
  if (family == s.key || family == last_part(s.key)) return true;
  for (const char sep : {'.', '_'})
    if (family == k.name + sep + s.key) return true;
  return false;
}

// The sections `family` names, with their list-item sub-sections (faults.schedule[]).
std::vector<Match> sections_named(const std::string& family) {
  std::vector<Match> out;
  for (const auto& k : scenario::system_kinds())
    for (const auto& s : k.sections) {
      if (!names_section(family, k, s)) continue;
      out.push_back({&k, &s});
      for (const auto& sub : k.sections)
        if (sub.form == SectionDecl::Form::Items && sub.key.starts_with(s.key + "."))
          out.push_back({&k, &sub});
    }
  return out;
}

// Every name `list` accepts as a family, for "did you mean".
std::vector<std::string> family_names() {
  std::vector<std::string> names = {"scenario", "policies"};
  for (const auto& k : scenario::system_kinds()) {
    names.push_back(k.name);
    for (const auto& s : k.sections) names.push_back(last_part(s.key));
  }
  return names;
}

// Matched sections, each printed once, naming every kind that declares it.
void print_matches(std::ostream& os, const std::vector<Match>& matches,
                   const scenario::Catalogs& catalogs) {
  std::vector<bool> done(matches.size(), false);
  for (std::size_t i = 0; i < matches.size(); ++i) {
    if (done[i]) continue;
    std::string kinds = matches[i].kind->name;
    for (std::size_t j = i + 1; j < matches.size(); ++j)
      if (matches[j].section->key == matches[i].section->key &&
          matches[j].section->title == matches[i].section->title) {
        kinds += ", " + matches[j].kind->name;
        done[j] = true;
      }
    os << "system: " << kinds << "\n";
    print_section(os, *matches[i].section, catalogs);
  }
}

void print_policies(std::ostream& os, const scenario::Catalogs& catalogs) {
  std::set<std::string> shown;
  for (const auto& k : scenario::system_kinds())
    for (const auto& s : k.sections) {
      if (s.form != SectionDecl::Form::Selection || !shown.insert(s.key).second) continue;
      wrap(os, "", 4, s.key + "." + s.selector + " (system: " + k.name + "): " + s.title);
      for (const auto& c : s.choices(catalogs)) wrap(os, "  " + c.name + " --", 6, c.help);
      os << "\n";
    }
  os << "`xpusim list FAMILY NAME` shows one policy's parameters.\n";
}

int unknown(const std::string& what, const std::string& given,
            const std::vector<std::string>& candidates) {
  std::string all;
  std::set<std::string> unique(candidates.begin(), candidates.end());
  for (const auto& c : unique) all += (all.empty() ? "" : ", ") + c;
  spdlog::error("unknown {} '{}'{} (expected one of: {})", what, given,
                did_you_mean(given, candidates), all);
  return kExitInput;
}

// `list FAMILY NAME` in the matched sections: a choice, a key, or a preset's file.
int print_entry(const std::vector<Match>& matches, const std::string& name,
                const scenario::Catalogs& catalogs) {
  std::vector<std::string> candidates;
  for (const auto& m : matches) {
    const SectionDecl& s = *m.section;
    if (s.form == SectionDecl::Form::Selection) {
      for (const auto& c : s.choices(catalogs)) {
        candidates.push_back(c.name);
        if (c.name != name) continue;
        wrap(std::cout, "", 4, s.key + "." + s.selector + ": " + c.name + " (system: " + m.kind->name + ")");
        print_choice(std::cout, c);
        return kExitOk;
      }
      continue;
    }
    const ParamSchema schema = s.schema();
    for (const auto& d : schema.decls()) {
      candidates.push_back(d.name);
      if (d.name != name) continue;
      wrap(std::cout, "", 4, s.key + " (system: " + m.kind->name + "):");
      print_decl(std::cout, d, 2);
      return kExitOk;
    }
    if (s.form != SectionDecl::Form::Preset) continue;
    for (const auto& p : presets_of(s)) {
      candidates.push_back(p);
      if (p != name) continue;
      const fs::path file = configs_root() / s.preset_dir / (p + ".yaml");
      std::cout << s.key << " preset " << p << " (configs/" << s.preset_dir << "/" << p << ".yaml):\n";
      std::ifstream in(file);
      for (std::string line; std::getline(in, line);) std::cout << "  " << line << "\n";
      return kExitOk;
    }
  }
  return unknown("entry", name, candidates);
}

// One tab-separated line per key of every kind: kind, section, selector=choice, key, type,
// default (or "required"). For scripts and tests that enumerate the keys.
void print_keys(const scenario::Catalogs& catalogs) {
  const auto line = [](const std::string& kind, const std::string& section,
                       const std::string& choice, const ParamDecl& d) {
    std::cout << kind << "\t" << section << "\t" << choice << "\t" << d.name << "\t"
              << to_string(d.type) << "\t"
              << (d.default_value ? format_value(*d.default_value) : "required") << "\n";
  };
  const ParamSchema top = scenario::top_level_schema();  // a named schema outlives the loops
  for (const auto& k : scenario::system_kinds()) {
    for (const auto& d : top.decls()) line(k.name, "", "", d);
    for (const auto& s : k.sections) {
      if (s.form != SectionDecl::Form::Selection) {
        const ParamSchema schema = s.schema();
        for (const auto& d : schema.decls()) line(k.name, s.key, "", d);
        continue;
      }
      for (const auto& c : s.choices(catalogs))
        for (const auto& d : c.schema.decls()) line(k.name, s.key, s.selector + "=" + c.name, d);
    }
  }
}

}  // namespace

int list_command(const ListArgs& args) {
  const scenario::Catalogs catalogs = scenario::build_catalogs();
  if (args.keys) {
    print_keys(catalogs);
    return kExitOk;
  }
  std::string family = args.family;
  if (family.empty()) {
    std::cout << "Scenario keys of every system kind, from the declarations the loader uses.\n"
                 "`xpusim list FAMILY [NAME]` shows one kind, section or policy family\n"
                 "(e.g. serving, batching, models); NAME one policy, key or preset.\n\n";
    print_top_level(std::cout);
    Seen seen;
    for (const auto& k : scenario::system_kinds()) print_kind(std::cout, k, catalogs, seen);
    return kExitOk;
  }
  if (family == "policies" || family == "policy") {
    if (!args.name.empty()) family = args.name;  // `list policies vllm`: search every family
    else return print_policies(std::cout, catalogs), kExitOk;
  }
  if (family == "scenario" || family == "top") {
    if (args.name.empty()) return print_top_level(std::cout), kExitOk;
    const ParamSchema top = scenario::top_level_schema();
    if (const ParamDecl* d = top.find(args.name)) return print_decl(std::cout, *d, 2), kExitOk;
    std::vector<std::string> keys;
    for (const auto& d : top.decls()) keys.push_back(d.name);
    return unknown("top-level key", args.name, keys);
  }
  if (const SystemKind* k = scenario::find_system_kind(family)) {
    if (args.name.empty()) {
      Seen seen;
      print_kind(std::cout, *k, catalogs, seen);
      return kExitOk;
    }
    family = args.name;  // `list serving batching`: that kind's section
    std::vector<Match> own;
    for (const auto& m : sections_named(family))
      if (m.kind == k) own.push_back(m);
    if (own.empty()) {
      std::vector<std::string> keys;
      for (const auto& s : k->sections) keys.push_back(s.key);
      return unknown("section of system " + k->name, family, keys);
    }
    print_matches(std::cout, own, catalogs);
    return kExitOk;
  }
  std::vector<Match> matches = sections_named(family);
  if (matches.empty() && family.size() > 1 && family.back() == 's')  // plural: models, routers
    matches = sections_named(family.substr(0, family.size() - 1));
  if (matches.empty()) {
    // A policy name given alone (`list vllm`): the entry in whichever family has it.
    for (const auto& k : scenario::system_kinds())
      for (const auto& s : k.sections)
        if (s.form == SectionDecl::Form::Selection)
          for (const auto& c : s.choices(catalogs))
            if (c.name == family) return print_entry({{&k, &s}}, family, catalogs);
    return unknown("family", family, family_names());
  }
  if (!args.name.empty()) return print_entry(matches, args.name, catalogs);
  print_matches(std::cout, matches, catalogs);
  return kExitOk;
}

}  // namespace xpusim::cli
