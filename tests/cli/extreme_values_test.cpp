// Property check (docs/errors.md, "Representable sizes"): every numeric key of the serving
// kind, as `xpusim list --keys` declares it, set to the extremes of what a YAML number can say. The
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

// The sections probed, one test each (they run in parallel under ctest). Fixed here so that
// test discovery does not run the binary; CoversTheServingSchema checks that the enumeration
// finds keys in each. (engine, decode_hardware and the faults' list items are not probed.)
const std::vector<std::string> kSections = {
    "top",       "hardware",     "model",        "execution", "cluster",
    "cluster.router", "cluster.migration", "instance", "batching", "workload",
    "fairness",  "tenants",      "slo",          "prefix_cache", "prefix_cache.eviction",
    "faults"};

// The serving kind's numeric keys from `xpusim list --keys` (kind, section, selector=choice,
// key, type, default|required per line). A choice with a required non-numeric key (a file
// path) is probed elsewhere; its required numeric keys are set to 1.
std::vector<KeyProbe> probes_from_keys(const std::string& text) {
  std::vector<KeyProbe> out;
  std::map<std::string, std::vector<std::vector<std::string>>> by_choice;  // section+choice -> rows
  std::vector<std::string> order;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::istringstream cells(line);
    for (std::string c; std::getline(cells, c, '\t');) f.push_back(c);
    if (f.size() != 6 || f[0] != "serving") continue;
    const std::string section = f[1].empty() ? "top" : f[1];
    if (std::find(kSections.begin(), kSections.end(), section) == kSections.end()) continue;
    const std::string group = f[1] + "\t" + f[2];
    if (!by_choice.count(group)) order.push_back(group);
    by_choice[group].push_back(f);
  }
  for (const auto& group : order) {
    const auto& rows = by_choice.at(group);
    const auto numeric = [](const auto& f) { return f[4] == "integer" || f[4] == "number"; };
    std::map<std::string, std::string> required;
    bool skip = false;
    for (const auto& f : rows)
      if (!f[2].empty() && f[5] == "required") {
        if (numeric(f)) required[f[3]] = "1";
        else skip = true;
      }
    if (skip) continue;
    for (const auto& f : rows)
      if (numeric(f)) out.push_back({f[1], f[2], f[2].empty() ? std::map<std::string, std::string>{} : required, f[3]});
  }
  return out;
}

const std::vector<KeyProbe>& all_probes() {
  static const std::vector<KeyProbe> probes = [] {
    const fs::path scratch = fs::temp_directory_path() / ("xpusim_list_" + std::to_string(::getpid()));
    const auto o = run_xpusim("list --keys", scratch);
    fs::remove_all(scratch);
    return probes_from_keys(o.out);
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
      if (o.exit_code == 1)
        EXPECT_TRUE(o.err.find(p.key) != std::string::npos ||
                    o.err.find("does not fit: weights") != std::string::npos)
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
