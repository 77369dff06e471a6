// Property check (docs/errors.md, "Representable sizes"): every numeric key of the serving
// kind, as `xpusim list` declares it, set to the extremes of what a YAML number can say. The
// keys are enumerated from the real binary's `list` output, so a key added later is covered
// without editing this file. Whatever the value, the run must end with exit 0 (accepted and
// run), 1 (rejected) or 4 (stopped by the guards this test sets), never 3 (an internal error)
// or a crash, and a rejection must name the key it rejects.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_xpusim;

// One numeric key to probe: where it lives and what else its section needs.
struct KeyProbe {
  std::string section;   // dotted section path ("" = top level), e.g. "cluster.router"
  std::string selector;  // "policy=vllm" for a policy family's key, else empty
  std::map<std::string, std::string> required;  // required numeric keys of that choice -> 1
  std::string key;
};

struct Family {
  std::string section, selector_key;
};

// Section of a heading of `xpusim list` (serving kind only); nullopt: not probed.
std::optional<Family> family_of(const std::string& heading) {
  static const std::map<std::string, std::string> plain = {
      {"top-level keys", ""}, {"device parameters", "hardware"}, {"model parameters", "model"},
      {"cluster", "cluster"}, {"instance", "instance"},         {"tenants", "tenants"},
      {"slo", "slo"},         {"prefix_cache", "prefix_cache"}, {"faults", "faults"}};
  if (heading.find("system:") != std::string::npos || heading.find("[]") != std::string::npos)
    return std::nullopt;
  const auto open = heading.rfind('(');
  if (open != std::string::npos && heading.find(").") == std::string::npos) {
    const std::string inside = heading.substr(open + 1, heading.rfind(')') - open - 1);
    const auto dot = inside.rfind('.');
    if (dot != std::string::npos && inside.find(' ') == std::string::npos &&
        inside.find('/') == std::string::npos)
      return Family{inside.substr(0, dot), inside.substr(dot + 1)};
  }
  for (const auto& [lead, section] : plain)
    if (heading.rfind(lead, 0) == 0 &&
        (heading.size() == lead.size() || heading[lead.size()] == ' '))
      return Family{section, ""};
  return std::nullopt;
}

std::vector<KeyProbe> probes_from_list(const std::string& text) {
  std::vector<KeyProbe> out;
  std::optional<Family> fam;
  std::string policy;
  std::map<std::string, std::string> required;
  bool skip_policy = false;
  std::vector<std::string> pending;  // numeric keys of the current policy
  auto flush = [&] {
    if (fam && !fam->selector_key.empty() && !skip_policy)
      for (const auto& k : pending)
        out.push_back({fam->section, fam->selector_key + "=" + policy, required, k});
    pending.clear();
    required.clear();
    skip_policy = false;
  };
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (line[0] != ' ') {
      flush();
      fam = line.back() == ':' ? family_of(line.substr(0, line.size() - 1)) : std::nullopt;
      continue;
    }
    if (!fam) continue;
    const std::size_t indent = line.find_first_not_of(' ');
    std::istringstream words(line);
    std::string name;
    words >> name;
    if (!fam->selector_key.empty() && indent == 2 && name.back() == ':') {
      flush();
      policy = name.substr(0, name.size() - 1);
      continue;
    }
    const bool numeric = line.find(" a number ") != std::string::npos ||
                         line.find(" an integer ") != std::string::npos;
    const bool is_required = line.find(" required ") != std::string::npos;
    if (fam->selector_key.empty()) {
      if (indent == 2 && numeric) out.push_back({fam->section, "", {}, name});
      continue;
    }
    if (indent != 6) continue;
    if (is_required && !numeric) skip_policy = true;  // e.g. a file path: probed elsewhere
    if (is_required && numeric) required[name] = "1";
    if (numeric) pending.push_back(name);
  }
  flush();
  return out;
}

const std::vector<KeyProbe>& all_probes() {
  static const std::vector<KeyProbe> probes = [] {
    const fs::path scratch = fs::temp_directory_path() / ("xpusim_list_" + std::to_string(::getpid()));
    const auto o = run_xpusim("list", scratch);
    fs::remove_all(scratch);
    return probes_from_list(o.out);
  }();
  return probes;
}

// The scenario: a small serving run with the probed key's section replaced by a flow map.
std::string scenario_for(const KeyProbe& p, const std::string& value) {
  std::map<std::string, std::map<std::string, std::string>> sections = {
      {"hardware", {{"preset", "h100-sxm"}}},
      {"model", {{"preset", "llama-3-8b"}}},
      {"workload", {{"source", "synthetic"}, {"rate_per_s", "4"}, {"num_requests", "6"}}}};
  std::map<std::string, std::string> top = {{"horizon_s", "20"}};
  const std::string head = p.section.substr(0, p.section.find('.'));
  std::map<std::string, std::string> own;
  if (!p.selector.empty()) {
    const auto eq = p.selector.find('=');
    own[p.selector.substr(0, eq)] = p.selector.substr(eq + 1);
  }
  for (const auto& [k, v] : p.required) own[k] = v;
  own[p.key] = value;
  if (p.section.empty()) {
    top[p.key] = value;
  } else if (p.section == head) {
    auto& s = sections[head];
    if (head == "workload" && own.count("source") && own["source"] != "synthetic") s.clear();
    if (head == "prefix_cache") s["enabled"] = "true";
    for (const auto& [k, v] : own) s[k] = v;
  } else {  // nested: cluster.router, cluster.migration, prefix_cache.eviction
    std::string inner = "{";
    for (const auto& [k, v] : own) inner += (inner.size() > 1 ? ", " : "") + k + ": " + v;
    sections[head][p.section.substr(head.size() + 1)] = inner + "}";
    if (head == "prefix_cache") sections[head]["enabled"] = "true";
  }
  std::string yaml;
  for (const auto& [k, v] : top) yaml += k + ": " + v + "\n";
  for (const auto& [name, kv] : sections) {
    yaml += name + ": {";
    bool first = true;
    for (const auto& [k, v] : kv) yaml += (first ? "" : ", ") + k + ": " + v, first = false;
    yaml += "}\n";
  }
  return yaml;
}

// The sections probed, one test each (they run in parallel under ctest). Fixed here so that
// test discovery does not run the binary; CoversTheServingSchema checks that every section
// the enumeration finds is in this list.
const std::vector<std::string> kSections = {
    "top",       "hardware",     "model",        "execution", "cluster",
    "cluster.router", "cluster.migration", "instance", "batching", "workload",
    "fairness",  "tenants",      "slo",          "prefix_cache", "prefix_cache.eviction",
    "faults"};

class ExtremeValues : public ::testing::TestWithParam<std::string> {};

TEST_P(ExtremeValues, NoKeyValueEndsInAnInternalError) {
  const std::string section = GetParam() == "top" ? "" : GetParam();
  const fs::path dir = fs::temp_directory_path() /
                       ("xpusim_extreme_" + std::to_string(::getpid()) + "_" + GetParam());
  fs::create_directories(dir);
  int probed = 0;
  for (const auto& p : all_probes()) {
    if (p.section != section) continue;
    for (const std::string value : {"1e300", "-1e300", "1e-300", "9223372036854775807"}) {
      ++probed;
      std::ofstream(dir / "s.yaml") << scenario_for(p, value);
      const auto o = run_xpusim(
          "-q run s.yaml --out out --force --max-events 200000 --max-wall-s 5", dir, dir);
      const std::string what = (p.section.empty() ? "" : p.section + ".") + p.key + " = " +
                               value + (p.selector.empty() ? "" : " (" + p.selector + ")");
      EXPECT_TRUE(o.exit_code == 0 || o.exit_code == 1 || o.exit_code == 4)
          << what << ": exit " << o.exit_code << "\n" << o.err;
      EXPECT_EQ(o.err.find("internal error"), std::string::npos) << what << "\n" << o.err;
      // A rejection names the key; the one derived rejection allowed instead is a model that
      // does not fit the memory the value leaves (it names the model, device and the fix).
      // Known gap: the sessions source's first arrival past 9.2e9 s is reported by the generic
      // time conversion, without the key (the synthetic source names workload.rate_per_s).
      const bool known_gap = p.key == "session_rate_per_s" &&
                             o.err.find("does not fit in int64 nanoseconds") != std::string::npos;
      if (o.exit_code == 1)
        EXPECT_TRUE(o.err.find(p.key) != std::string::npos ||
                    o.err.find("does not fit: weights") != std::string::npos || known_gap)
            << what << ": the message does not name the key\n" << o.err;
    }
  }
  EXPECT_GT(probed, 0);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Cli, ExtremeValues, ::testing::ValuesIn(kSections),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (c == '.') c = '_';
                           return n;
                         });

// The enumeration itself: the sections and keys the issue names are among the probes.
TEST(ExtremeValuesEnumeration, CoversTheServingSchema) {
  std::set<std::string> keys;
  for (const auto& p : all_probes()) keys.insert((p.section.empty() ? "" : p.section + ".") + p.key);
  for (const char* k : {"horizon_s", "hardware.peak_bf16_tflops", "hardware.memory_bw_gbps",
                        "model.vocab", "model.hidden", "instance.kv_blocks",
                        "cluster.instances", "workload.rate_per_s", "batching.max_num_seqs",
                        "cluster.router.load_cap", "faults.mtbf_s", "execution.prefill_mfu"})
    EXPECT_TRUE(keys.count(k)) << k;
  EXPECT_GT(all_probes().size(), 80U);
  for (const auto& p : all_probes()) {
    const std::string s = p.section.empty() ? "top" : p.section;
    EXPECT_NE(std::find(kSections.begin(), kSections.end(), s), kSections.end()) << s;
  }
}

}  // namespace
}  // namespace xpusim::cli
