// The serving scenario's `engine` section: absent = no overhead; presets from configs/engines/
// with keys overriding them; bad values reported with the key.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "xpusim/scenario/diagnostics.hpp"
#include "xpusim/scenario/scenario_loader.hpp"

namespace xpusim::scenario {
namespace {

namespace fs = std::filesystem;

const char* kBase = R"(hardware: {preset: h100-sxm}
model: {preset: llama-3-8b}
workload: {source: synthetic, rate_per_s: 4, num_requests: 10}
)";

class EngineSection : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("xpusim_engine_" + std::to_string(::getpid()));
  Catalogs catalogs = build_catalogs();
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
  ScenarioSpec load(const std::string& extra) {
    std::ofstream(dir / "s.yaml") << kBase << extra;
    return load_scenario(dir / "s.yaml", {}, catalogs);
  }
};

TEST_F(EngineSection, AbsentMeansNoEngineOverhead) {
  EXPECT_FALSE(load("").engine.has_value());
}

TEST_F(EngineSection, PresetValuesAndOverrides) {
  // configs/engines/vllm-v0.yaml: 1000 us fixed, 34 per sequence, 47 per sampled token.
  const auto s = load("engine: {preset: vllm-v0, overlap: 0.5}\n");
  ASSERT_TRUE(s.engine.has_value());
  EXPECT_EQ(s.engine->name, "vllm-v0");
  EXPECT_DOUBLE_EQ(s.engine->fixed_s, 1000e-6);
  EXPECT_DOUBLE_EQ(s.engine->per_seq_s, 34e-6);
  EXPECT_DOUBLE_EQ(s.engine->per_sampled_token_s, 47e-6);
  EXPECT_DOUBLE_EQ(s.engine->overlap, 0.5);
  bool listed = false;
  for (const auto& [section, params] : s.resolved) listed = listed || section == "engine";
  EXPECT_TRUE(listed);
}

TEST_F(EngineSection, BadValuesAndUnknownPresetsAreReportedWithTheKey) {
  try {
    load("engine: {preset: vllm-v9}\n");
    FAIL();
  } catch (const ScenarioError& e) {
    ASSERT_FALSE(e.messages().empty());
    EXPECT_NE(e.messages()[0].find("no preset 'vllm-v9'"), std::string::npos) << e.messages()[0];
  }
  try {
    load("engine: {overlap: 2}\n");
    FAIL();
  } catch (const ScenarioError& e) {
    ASSERT_FALSE(e.messages().empty());
    EXPECT_NE(e.messages()[0].find("engine.overlap"), std::string::npos) << e.messages()[0];
  }
}

}  // namespace
}  // namespace xpusim::scenario
