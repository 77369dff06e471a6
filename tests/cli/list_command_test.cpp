// `xpusim list` through the real binary: 80 columns, shortest round-trip numbers, plural
// aliases, one entry's help, "did you mean", and the table every kind's sections come from.
#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_xpusim;

class ListCommand : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("xpusim_listcmd_" + std::to_string(::getpid()));
  void TearDown() override { fs::remove_all(dir); }
  testing::Outcome list(const std::string& args) { return run_xpusim("list " + args, dir); }
};

TEST_F(ListCommand, EveryLineFitsInEightyColumns) {
  const auto o = list("");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  std::istringstream in(o.out);
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines)
    EXPECT_LE(line.size(), 80U) << line;
  EXPECT_GT(lines, 300);
}

TEST_F(ListCommand, NumbersAreTheShortestTextThatReadsBack) {
  const auto o = list("execution roofline");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  // The roofline's prefill MFU is the double nearest 0.71; 17 digits would print 0.70999...
  EXPECT_NE(o.out.find("default 0.71\n"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("0.7099999"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("default 3.5e-06"), std::string::npos) << o.out;
}

TEST_F(ListCommand, EveryKindListsItsSectionsFromTheOneTable) {
  const auto o = list("");
  for (const char* k : {"system: serving", "system: ina", "system: soc", "system: moe --",
                        "system: moe_offload"})
    EXPECT_NE(o.out.find(k), std::string::npos) << k;
  // A section two kinds share is printed once and referred to after.
  EXPECT_NE(o.out.find("hardware: as in system: serving"), std::string::npos);
  // Presets are those of the section's kind: SoC presets under soc, not under hardware.
  const auto soc = list("soc");
  EXPECT_NE(soc.out.find("intel-core-ultra-7-258v"), std::string::npos) << soc.out;
  const auto hw = list("hardware");
  EXPECT_NE(hw.out.find("h100-sxm"), std::string::npos);
  EXPECT_EQ(hw.out.find("intel-core-ultra-7-258v"), std::string::npos) << hw.out;
}

TEST_F(ListCommand, PluralAliasesNameTheSameFamily) {
  EXPECT_EQ(list("models").out, list("model").out);
  EXPECT_EQ(list("routers").out, list("router").out);
  const auto p = list("policies");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  for (const char* s : {"batching.policy", "vllm", "cluster.router.policy", "placement.policy",
                        "switch_memory.policy", "flow_scheduling.policy", "offload.policy"})
    EXPECT_NE(p.out.find(s), std::string::npos) << s;
}

TEST_F(ListCommand, FamilyAndNameShowOneEntry) {
  const auto vllm = list("batching vllm");
  ASSERT_EQ(vllm.exit_code, 0) << vllm.err;
  EXPECT_NE(vllm.out.find("max_num_seqs"), std::string::npos);
  EXPECT_EQ(vllm.out.find("sarathi"), std::string::npos) << vllm.out;
  const auto key = list("instance kv_blocks");
  ASSERT_EQ(key.exit_code, 0) << key.err;
  EXPECT_EQ(key.out.find("block_size"), std::string::npos) << key.out;
  const auto preset = list("hardware h100-sxm");
  ASSERT_EQ(preset.exit_code, 0) << preset.err;
  EXPECT_NE(preset.out.find("memory_gb"), std::string::npos) << preset.out;
}

TEST_F(ListCommand, UnknownNamesGetADidYouMean) {
  const auto fam = list("batchin");
  EXPECT_EQ(fam.exit_code, 1);
  EXPECT_NE(fam.err.find("did you mean 'batching'?"), std::string::npos) << fam.err;
  const auto entry = list("batching vLLM");
  EXPECT_EQ(entry.exit_code, 1);
  EXPECT_NE(entry.err.find("did you mean 'vllm'?"), std::string::npos) << entry.err;
}

TEST_F(ListCommand, KeysAreOneTabSeparatedLinePerKey) {
  const auto o = list("--keys");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("serving\tbatching\tpolicy=vllm\tmax_num_seqs\tinteger\t"), std::string::npos);
  EXPECT_NE(o.out.find("moe\tcluster\t\tnodes\tinteger\t1\n"), std::string::npos);
  EXPECT_NE(o.out.find("ina\tworkload.jobs[]\t\t"), std::string::npos);
}

// "Did you mean" in scenario errors: keys, policy names, presets and kinds.
TEST_F(ListCommand, ScenarioErrorsSuggestTheNearName) {
  fs::create_directories(dir);
  const auto check = [&](const std::string& yaml, const std::string& hint) {
    std::ofstream(dir / "s.yaml") << yaml;
    const auto o = run_xpusim("validate " + (dir / "s.yaml").string(), dir);
    EXPECT_EQ(o.exit_code, 1) << yaml;
    EXPECT_NE(o.err.find(hint), std::string::npos) << yaml << "\n" << o.err;
  };
  const std::string hw = "hardware: {preset: h100-sxm}\nmodel: {preset: llama-3-8b}\n";
  check(hw + "workload: {source: synthetic, rate_per_sec: 4}\n", "did you mean 'rate_per_s'?");
  check(hw + "workload: {source: synthetic}\nbatching: {policy: vLLM}\n", "did you mean 'vllm'?");
  check("hardware: {preset: H100-SXM}\nmodel: {preset: llama-3-8b}\nworkload: {source: synthetic}\n",
        "did you mean 'h100-sxm'?");
  check("system: Soc\n", "did you mean 'soc'?");
}

}  // namespace
}  // namespace xpusim::cli
