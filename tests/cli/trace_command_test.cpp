// `xpusim trace stats` through the real binary: hand-computed figures, real traces, bad input.
#include "xpusim/build_paths.hpp"
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_xpusim;

class TraceStatsCli : public ::testing::Test {
 protected:
  fs::path dir =
      fs::temp_directory_path() / ("xpusim_trace_cli_" + std::to_string(::getpid()) + "_" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name, std::ios::binary) << text;
    return dir / name;
  }
};

// The text after `key` on its line ("" when the key is absent), e.g. "0.6667" for a line
// "mean_rate_per_s      0.6667".
std::string value_of(const std::string& out, const std::string& key) {
  const auto at = out.find("\n" + key + " ");
  if (at == std::string::npos) return "";
  const auto start = out.find_first_not_of(' ', at + 1 + key.size());
  return out.substr(start, out.find('\n', start) - start);
}

TEST_F(TraceStatsCli, HandComputedRateAndBurstinessOnAGeneratedTrace) {
  // Arrivals 0, 1, 3 s: gaps 1 and 2, mean 1.5, population std 0.5 -> CV 1/3; 2 gaps / 2 s.
  const auto file = write("t.csv",
                          "arrival_s,prompt_tokens,output_tokens,prefix_hashes\n"
                          "0,100,10,1;2\n1,300,30,1;3\n3,200,20,1;2;4\n");
  const auto o = run_xpusim("trace stats " + file.string(), dir);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(value_of(o.out, "format"), "xpusim (inferred)");
  EXPECT_EQ(value_of(o.out, "requests"), "3");
  EXPECT_EQ(value_of(o.out, "span_s"), "3.000");
  EXPECT_EQ(value_of(o.out, "mean_rate_per_s"), "0.6667");
  EXPECT_EQ(value_of(o.out, "interarrival_cv"), "0.3333");
  EXPECT_NE(o.out.find("prompt                 200.0        200        300        300        300"),
            std::string::npos)
      << o.out;
  EXPECT_EQ(value_of(o.out, "block_references"), "7");
  EXPECT_EQ(value_of(o.out, "block_reuse").substr(0, 6), "0.4286");  // 3 of 7 repeat
}

TEST_F(TraceStatsCli, ExplicitFormatAndFailedRowCounts) {
  const auto file = write("b.txt",
                          "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
                          "0,ChatGPT,5,5,10,API log\n1,ChatGPT,5,0,5,API log\n"
                          "4,GPT-4,7,1,8,API log\n");
  const auto o = run_xpusim("trace stats --format burstgpt " + file.string(), dir);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(value_of(o.out, "format"), "burstgpt");
  EXPECT_EQ(value_of(o.out, "requests"), "2");
  EXPECT_EQ(value_of(o.out, "failed_rows"), "1");
  EXPECT_EQ(value_of(o.out, "mean_rate_per_s"), "0.2500");
  EXPECT_EQ(value_of(o.out, "interarrival_cv"), "0.0000");  // one gap: no spread
  EXPECT_EQ(value_of(o.out, "block_reuse"), "");            // no prefix information
}

TEST_F(TraceStatsCli, BadInputExitsOneWithFileAndLine) {
  const auto bad = write("bad.jsonl",
                         "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 2}\n"
                         "{\"timestamp\": 1, \"input_length\": five, \"output_length\": 2}\n");
  auto o = run_xpusim("trace stats " + bad.string(), dir);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("bad.jsonl:2: "), std::string::npos) << o.err;
  EXPECT_TRUE(o.out.empty()) << "no partial summary on bad input";

  o = run_xpusim("trace stats " + write("odd.csv", "when,what\n1,2\n").string(), dir);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("odd.csv:1: cannot infer the trace format"), std::string::npos) << o.err;

  o = run_xpusim("trace stats --format parquet " + bad.string(), dir);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("unknown trace format 'parquet'"), std::string::npos) << o.err;

  o = run_xpusim("trace stats " + (dir / "missing.csv").string(), dir);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("missing.csv: cannot open"), std::string::npos) << o.err;
}

// Real public traces, against shared/traces/README.md (tolerances: half its last digit).
TEST_F(TraceStatsCli, RealMooncakeConversationTrace) {
  const fs::path file = XPUSIM_TEST_SHARED_DIR "/traces/mooncake/conversation_trace.jsonl";
  if (!fs::exists(file)) GTEST_SKIP() << "not present: " << file;
  const auto o = run_xpusim("trace stats " + file.string(), dir);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(value_of(o.out, "format"), "mooncake (inferred)");
  EXPECT_EQ(value_of(o.out, "requests"), "12031");
  EXPECT_NEAR(std::stod(value_of(o.out, "span_s")), 3537, 0.5);
  EXPECT_NEAR(std::stod(value_of(o.out, "blocks_per_request")), 24.0, 0.05);
  EXPECT_NEAR(std::stod(value_of(o.out, "block_reuse")), 0.366, 0.0005);
  const auto prompt = o.out.find("\n  prompt ");
  ASSERT_NE(prompt, std::string::npos) << o.out;
  EXPECT_NEAR(std::stod(o.out.substr(prompt + 9)), 12'035, 0.5);
}

TEST_F(TraceStatsCli, RealAzureConversationTrace) {
  const fs::path file =
      XPUSIM_TEST_SHARED_DIR "/traces/azure-llm-2023/AzureLLMInferenceTrace_conv.csv";
  if (!fs::exists(file)) GTEST_SKIP() << "not present: " << file;
  const auto o = run_xpusim("trace stats " + file.string(), dir);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(value_of(o.out, "format"), "azure (inferred)");
  EXPECT_EQ(value_of(o.out, "requests"), "19366");
  EXPECT_NEAR(std::stod(value_of(o.out, "span_s")), 3502, 0.5);
  // README: 5.53 req/s as rows / span; ours is gaps / span, 19365 / 3501.7 = 5.530.
  EXPECT_NEAR(std::stod(value_of(o.out, "mean_rate_per_s")), 5.53, 0.005);
  const auto prompt = o.out.find("\n  prompt ");
  ASSERT_NE(prompt, std::string::npos) << o.out;
  EXPECT_NEAR(std::stod(o.out.substr(prompt + 9)), 1155, 0.5);
  const auto output = o.out.find("\n  output ");
  ASSERT_NE(output, std::string::npos);
  EXPECT_NEAR(std::stod(o.out.substr(output + 9)), 211, 0.5);
  EXPECT_EQ(value_of(o.out, "block_reuse"), "");
}

}  // namespace
}  // namespace xpusim::cli
