#include "xpusim/scenario/system_kinds.hpp"

#include <gtest/gtest.h>

namespace xpusim::scenario {
namespace {

const char* kServing = R"(hardware: {preset: h100-sxm}
model: {preset: llama-3-8b}
workload: {source: synthetic, rate_per_s: 2, num_requests: 5}
)";

TEST(SystemKinds, AbsentSystemKeyMeansServing) {
  const Catalogs catalogs = build_catalogs();
  Diagnostics diag;
  const auto doc = YamlDocument::parse(kServing, "k.yaml");
  const auto loaded = load_any_scenario(doc, diag, catalogs);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->name(), "k");
  const RunResult r = loaded->run({});
  EXPECT_EQ(r.summary["requests"]["completed"], 5);
  EXPECT_EQ(r.summary["scenario"]["scenario"]["system"], "serving");
}

TEST(SystemKinds, UnknownKindNamesTheKnownOnes) {
  const Catalogs catalogs = build_catalogs();
  Diagnostics diag;
  const auto doc = YamlDocument::parse(std::string("system: warp\n") + kServing, "k.yaml");
  try {
    load_any_scenario(doc, diag, catalogs);
    FAIL() << "loaded an unknown system kind";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.messages().size(), 1u);
    EXPECT_NE(e.messages()[0].find("k.yaml:1:9: key 'system': unknown system kind 'warp'"), std::string::npos)
        << e.messages()[0];
    EXPECT_NE(e.messages()[0].find("serving"), std::string::npos);
  }
}

}  // namespace
}  // namespace xpusim::scenario
