// `model: {hf_config: PATH}` in a scenario: the config is the base, inline keys override,
// and every problem names the scenario location and the config's key.
#include <gtest/gtest.h>

#include <fstream>

#include "xpusim/build_paths.hpp"
#include "xpusim/scenario/diagnostics.hpp"
#include "xpusim/scenario/scenario_loader.hpp"

namespace xpusim::scenario {
namespace {

namespace fs = std::filesystem;

class HfConfigSection : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("xpusim_hf_" + std::to_string(::getpid()));
  Catalogs catalogs = build_catalogs();
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  }
  std::string scenario(const std::string& model) {
    return "hardware: {preset: h100-sxm}\nmodel: " + model +
           "\nworkload: {source: synthetic, rate_per_s: 4, num_requests: 10}\n";
  }
  std::string error_of(const std::string& model) {
    try {
      load_scenario(write("s.yaml", scenario(model)), {}, catalogs);
    } catch (const ScenarioError& e) {
      std::string all;
      for (const auto& m : e.messages()) all += m + "\n";
      return all;
    }
    return "";
  }
};

TEST_F(HfConfigSection, ShippedConfigEqualsThePresetAndInlineKeysWin) {
  const ScenarioSpec from_preset =
      load_scenario(write("p.yaml", scenario("{preset: llama-3-8b}")), {}, catalogs);
  // Found through the preset roots' models/ folder, though the scenario is in /tmp.
  const ScenarioSpec from_hf = load_scenario(
      write("h.yaml", scenario("{hf_config: hf/llama-3-8b/config.json, kv_dtype: fp8}")), {},
      catalogs);
  EXPECT_EQ(from_hf.model.name, "llama-3-8b");
  EXPECT_EQ(from_hf.model.num_kv_heads, from_preset.model.num_kv_heads);
  EXPECT_EQ(from_hf.model.ffn_hidden, from_preset.model.ffn_hidden);
  EXPECT_EQ(from_hf.model.vocab, from_preset.model.vocab);
  EXPECT_DOUBLE_EQ(from_hf.model.total_params(), from_preset.model.total_params());
  EXPECT_EQ(from_hf.model.kv_dtype, hw::DType::Fp8);  // inline override
}

TEST_F(HfConfigSection, ErrorsNameLocationAndKey) {
  std::ofstream(dir / "bad.json") << R"({"architectures": ["GPT2LMHeadModel"]})";
  const std::string unknown = error_of("{hf_config: bad.json}");
  EXPECT_NE(unknown.find("s.yaml:2"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("key 'model.hf_config'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("unknown architecture 'GPT2LMHeadModel'"), std::string::npos) << unknown;
  EXPECT_NE(error_of("{hf_config: nope/config.json}").find("no file 'nope/config.json'"),
            std::string::npos);
  EXPECT_NE(error_of("{preset: llama-3-8b, hf_config: hf/llama-3-8b/config.json}")
                .find("either preset or hf_config"),
            std::string::npos);
  // Inline keys are still checked against the schema.
  EXPECT_NE(error_of("{hf_config: hf/llama-3-8b/config.json, heads: 3}").find("heads"),
            std::string::npos);
}

}  // namespace
}  // namespace xpusim::scenario
