// BurstGPT traces: exact replay, failed-row handling, filters, header variants and bad rows.
#include "xpusim/build_paths.hpp"
#include <gtest/gtest.h>

#include "test_files.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/workload/trace_source.hpp"

namespace xpusim::workload {
namespace {

constexpr const char* kHeader =
    "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n";
const std::string kTrace = std::string(kHeader) +
                           "5,ChatGPT,472,18,490,Conversation log\n"
                           "5.25,GPT-4,1200,0,1200,API log\n"  // failed request
                           "7.000000001,GPT-4,33,250,283,Conversation log\n"
                           "\n"
                           "9.5,ChatGPT,0,0,0,API log\n"  // failed, nothing at all
                           "12,ChatGPT,80,9,89,API log\n";

struct Replayed {
  std::vector<Request> requests;
  std::int64_t failed_rows = 0;
  std::int64_t skipped_rows = 0;
};

Replayed replay(const std::filesystem::path& path, TraceOptions options = {}) {
  TraceSource::Config c;
  c.path = path;
  c.format = TraceFormat::BurstGpt;
  c.options = std::move(options);
  TraceSource source(c);
  Replayed out;
  while (auto r = source.next()) out.requests.push_back(std::move(*r));
  out.failed_rows = source.failed_rows();
  out.skipped_rows = source.skipped_rows();
  return out;
}

TEST(BurstGptTrace, SkipsFailedRowsAndKeepsTimestampsAsWritten) {
  testing::TempDir dir;
  const auto replayed = replay(dir.write("b.csv", kTrace));
  EXPECT_EQ(replayed.failed_rows, 2);
  EXPECT_EQ(replayed.skipped_rows, 2);
  const auto& rs = replayed.requests;
  ASSERT_EQ(rs.size(), 3u);
  // Timestamps are seconds from the trace origin, not re-based to the first row.
  EXPECT_EQ(rs[0].arrival_ns, 5'000'000'000);
  EXPECT_EQ(rs[1].arrival_ns, 7'000'000'001);
  EXPECT_EQ(rs[2].arrival_ns, 12'000'000'000);
  EXPECT_EQ(rs[0].prompt_tokens, 472);
  EXPECT_EQ(rs[0].output_tokens, 18);
  EXPECT_EQ(rs[1].prompt_tokens, 33);
  EXPECT_EQ(rs[2].output_tokens, 9);
  EXPECT_EQ(rs[2].id, 2u);
  EXPECT_TRUE(rs[0].prefix_hashes.empty());
}

TEST(BurstGptTrace, ClampKeepsFailedRowsWithOneToken) {
  testing::TempDir dir;
  TraceOptions o;
  o.skip_failed = false;
  const auto replayed = replay(dir.write("b.csv", kTrace), o);
  EXPECT_EQ(replayed.failed_rows, 2);
  EXPECT_EQ(replayed.skipped_rows, 0);
  const auto& rs = replayed.requests;
  ASSERT_EQ(rs.size(), 5u);
  EXPECT_EQ(rs[1].arrival_ns, 5'250'000'000);
  EXPECT_EQ(rs[1].prompt_tokens, 1200);
  EXPECT_EQ(rs[1].output_tokens, 1);
  EXPECT_EQ(rs[3].prompt_tokens, 1);
  EXPECT_EQ(rs[3].output_tokens, 1);
}

TEST(BurstGptTrace, ModelAndLogTypeFilters) {
  testing::TempDir dir;
  const auto file = dir.write("b.csv", kTrace);
  TraceOptions gpt4;
  gpt4.model_filter = "GPT-4";
  const auto gpt4_rows = replay(file, gpt4);
  ASSERT_EQ(gpt4_rows.requests.size(), 1u);
  EXPECT_EQ(gpt4_rows.requests[0].arrival_ns, 7'000'000'001);
  EXPECT_EQ(gpt4_rows.failed_rows, 1);   // failures are counted among the rows kept by filters
  EXPECT_EQ(gpt4_rows.skipped_rows, 4);  // three ChatGPT rows and the failed GPT-4 row

  TraceOptions api;
  api.log_type_filter = "API log";
  const auto api_rows = replay(file, api);
  ASSERT_EQ(api_rows.requests.size(), 1u);
  EXPECT_EQ(api_rows.requests[0].prompt_tokens, 80);
  EXPECT_EQ(api_rows.failed_rows, 2);
  EXPECT_EQ(api_rows.skipped_rows, 4);  // two failed, two conversation rows
}

TEST(BurstGptTrace, ColumnsInAnyOrderAndOnlyTheRequiredOnes) {
  testing::TempDir dir;
  const auto rs = replay(dir.write("b.csv",
                                   "Log Type,Response tokens,Request tokens,Timestamp,Model,"
                                   "Total tokens\nAPI log,7,70,0.5,ChatGPT,77\n"
                                   "API log,0,70,0.6,GPT-4,70\n"))
                      .requests;
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].prompt_tokens, 70);
  EXPECT_EQ(rs[0].output_tokens, 7);
  EXPECT_EQ(rs[0].arrival_ns, 500'000'000);
  const auto minimal = dir.write("m.csv", "Timestamp,Request tokens,Response tokens\n1,2,3\n");
  TraceSource::Config c;
  c.path = minimal;
  c.format = TraceFormat::BurstGpt;
  EXPECT_EQ(TraceSource(c).next()->output_tokens, 3);
}

TEST(BurstGptTrace, FiltersAreBurstGptOnlyParameters) {
  try {
    TraceSource::binding().from({{"format", std::string("azure")},
                                 {"path", std::string("x.csv")},
                                 {"model_filter", std::string("GPT-4")}});
    FAIL() << "model_filter with format azure was accepted";
  } catch (const ParamError& e) {
    EXPECT_EQ(e.key(), "model_filter");
  }
  const auto ok = TraceSource::binding().from({{"format", std::string("burstgpt")},
                                               {"path", std::string("x.csv")},
                                               {"failed_rows", std::string("clamp")}});
  EXPECT_FALSE(ok.options.skip_failed);
}

TEST(BurstGptTrace, CommittedSampleReplaysWithItsFailedRowsSkipped) {
  const auto replayed =
      replay(std::filesystem::path(XPUSIM_SOURCE_DIR) / "traces/sample_burstgpt.csv");
  // traces/gen_samples.py writes 60 rows, every 15th from the 8th failed (0 response tokens).
  EXPECT_EQ(replayed.requests.size(), 56u);
  EXPECT_EQ(replayed.failed_rows, 4);
  for (const auto& r : replayed.requests) EXPECT_GE(r.output_tokens, 1);
}

// The message of replaying `text` as BurstGPT to the end ("" when none was thrown).
std::string replay_error(const std::string& text, TraceOptions options = {}) {
  testing::TempDir dir;
  try {
    replay(dir.write("bad_burst.csv", text), std::move(options));
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(BurstGptTrace, MalformedInputNamesFileLineAndProblem) {
  const std::string ok = "1,ChatGPT,5,5,10,API log\n";
  struct Case {
    std::string text;
    int line;
    const char* mentioning;
  };
  const std::vector<Case> cases = {
      {kHeader + ok + "2,ChatGPT,5,5,10\n", 3, "fields"},
      {kHeader + ok + "x,ChatGPT,5,5,10,API log\n", 3, "Timestamp"},
      {kHeader + ok + "-1,ChatGPT,5,5,10,API log\n", 3, "Timestamp"},
      {kHeader + ok + "0.5,ChatGPT,5,5,10,API log\n", 3, "backwards"},
      {kHeader + ok + "2,ChatGPT,-5,5,0,API log\n", 3, "Request tokens"},
      {kHeader + ok + "2,ChatGPT,5,5.5,10,API log\n", 3, "Response tokens"},
      {kHeader + ok + "2,ChatGPT,5,5,lots,API log\n", 3, "Total tokens"},
      {"Timestamp,Model,Prompt tokens,Response tokens\n", 1, "Prompt tokens"},
      {"Timestamp,Model,Response tokens\n1,a,2\n", 1, "Request tokens"},
      {"Timestamp,Model,Model,Request tokens,Response tokens\n", 1, "twice"},
      {"TIMESTAMP,ContextTokens,GeneratedTokens\n", 1, "Azure"},
  };
  for (const auto& c : cases) {
    const std::string message = replay_error(c.text);
    EXPECT_NE(message.find("bad_burst.csv:" + std::to_string(c.line) + ": "), std::string::npos)
        << c.text << " -> " << message;
    EXPECT_NE(message.find(c.mentioning), std::string::npos) << c.text << " -> " << message;
    EXPECT_NE(message.find("expected"), std::string::npos) << message;
  }
}

TEST(BurstGptTrace, NothingLeftAfterFiltersOrAFilterWithoutItsColumnIsAnError) {
  TraceOptions claude;
  claude.model_filter = "Claude";
  const std::string none = replay_error(kTrace, claude);
  EXPECT_NE(none.find("bad_burst.csv: none of the 5 rows was kept"), std::string::npos) << none;
  const std::string no_column =
      replay_error("Timestamp,Request tokens,Response tokens\n1,2,3\n", claude);
  EXPECT_NE(no_column.find("bad_burst.csv:1: model_filter is set"), std::string::npos) << no_column;
  const std::string all_failed = replay_error(std::string(kHeader) + "1,a,0,3,3,API log\n");
  EXPECT_NE(all_failed.find("1 failed rows skipped"), std::string::npos) << all_failed;
}

}  // namespace
}  // namespace xpusim::workload
