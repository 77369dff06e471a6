// Mooncake JSON-lines traces: exact replay with prefix hashes, strict parsing, the real trace.
#include "xpusim/build_paths.hpp"
#include <gtest/gtest.h>

#include "test_files.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/workload/trace_source.hpp"
#include "xpusim/workload/trace_stats.hpp"

namespace xpusim::workload {
namespace {

std::vector<Request> replay(const std::filesystem::path& path) {
  TraceSource::Config c;
  c.path = path;
  c.format = TraceFormat::Mooncake;
  TraceSource source(c);
  std::vector<Request> out;
  while (auto r = source.next()) out.push_back(std::move(*r));
  EXPECT_EQ(source.prefix_block_tokens(), 512);
  return out;
}

TEST(MooncakeTrace, ReplaysTimestampsLengthsAndHashIdsExactly) {
  testing::TempDir dir;
  const auto rs = replay(dir.write(
      "m.jsonl",
      "{\"timestamp\": 0, \"input_length\": 6758, \"output_length\": 500, \"hash_ids\": [0, 1]}\n"
      "\n"
      "{\"hash_ids\":[0,18446744073709551615],\"output_length\":3,\"input_length\":513,"
      "\"timestamp\":1500.25}\r\n"  // any key order, no spaces, CRLF, fractional ms
      "  { \"timestamp\" : 2001 , \"input_length\" : 7 , \"output_length\" : 0 , "
      "\"hash_ids\" : [ ] }  \n"
      "{\"timestamp\": 2001, \"input_length\": 9, \"output_length\": 2}"));  // no hash_ids, no \n
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_EQ(rs[0].arrival_ns, 0);
  EXPECT_EQ(rs[0].prompt_tokens, 6758);
  EXPECT_EQ(rs[0].output_tokens, 500);
  EXPECT_EQ(rs[0].prefix_hashes, (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(rs[1].arrival_ns, 1'500'250'000);
  EXPECT_EQ(rs[1].prompt_tokens, 513);
  EXPECT_EQ(rs[1].prefix_hashes, (std::vector<std::uint64_t>{0, 18446744073709551615u}));
  EXPECT_EQ(rs[2].arrival_ns, 2'001'000'000);
  EXPECT_EQ(rs[2].output_tokens, 1);  // 0 output tokens replays as 1, like Azure rows
  EXPECT_TRUE(rs[2].prefix_hashes.empty());
  EXPECT_TRUE(rs[3].prefix_hashes.empty());  // not left over from an earlier row
  EXPECT_EQ(rs[3].id, 3u);
  EXPECT_EQ(rs[3].tenant, 0);
}

// Full JSON (issue 21): fields a later release adds are ignored whatever they hold, and keys may
// use \u escapes; the four known keys keep their strict checks.
TEST(MooncakeTrace, ToleratesExtraFieldsAndEscapes) {
  testing::TempDir dir;
  const auto rs = replay(dir.write(
      "m.jsonl",
      "{\"timestamp\": 5, \"user\": {\"id\": [1, {\"x\": null}]}, \"input_length\": 7, "
      "\"output_length\": 2, \"note\": \"caf\\u00e9\", \"ok\": true, \"hash_ids\": [4]}\n"
      "{\"time\\u0073tamp\": 6.5, \"input_length\": 8, \"output_length\": 3, \"tags\": []}\n"));
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].arrival_ns, 5'000'000);
  EXPECT_EQ(rs[0].prompt_tokens, 7);
  EXPECT_EQ(rs[0].prefix_hashes, (std::vector<std::uint64_t>{4}));
  EXPECT_EQ(rs[1].arrival_ns, 6'500'000);  // the escaped key is "timestamp"
  EXPECT_EQ(rs[1].output_tokens, 3);
}

TEST(MooncakeTrace, ClampedOutputRowsAreCountedAndBlockSizeIsAParameter) {
  testing::TempDir dir;
  TraceSource::Config c;
  c.path = dir.write("m.jsonl",
                     "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 0}\n"
                     "{\"timestamp\": 1, \"input_length\": 5, \"output_length\": 0}\n");
  c.format = TraceFormat::Mooncake;
  c.hash_block_tokens = 16;
  TraceSource source(c);
  while (source.next()) {
  }
  EXPECT_EQ(source.clamped_output_rows(), 2);
  EXPECT_EQ(source.prefix_block_tokens(), 16);
  const auto config =
      TraceSource::binding().from({{"format", std::string("mooncake")}, {"path", std::string("x")}});
  EXPECT_EQ(config.hash_block_tokens, 512);
}

std::string replay_error(const std::string& text) {
  testing::TempDir dir;
  try {
    replay(dir.write("bad.jsonl", text));
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(MooncakeTrace, MalformedLinesNameFileLineAndProblem) {
  const std::string ok = "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 2}\n";
  const auto row = [](const std::string& fields) { return "{" + fields + "}\n"; };
  const std::string lengths = "\"input_length\": 5, \"output_length\": 2";
  struct Case {
    std::string text;
    int line;
    const char* mentioning;
  };
  const std::vector<Case> cases = {
      {ok + "[1, 2]\n", 2, "a JSON object"},
      {ok + "{\"timestamp\": 1, " + lengths + "\n", 2, "'}'"},
      {ok + row("\"timestamp\": 1, " + lengths) + "x", 3, "JSON object"},
      {ok + row("\"timestamp\": 1, " + lengths) + " {}\n", 3, "missing key \"timestamp\""},
      {ok + row("\"timestamp\": 1, " + lengths + "} {"), 2, "after the object"},
      {ok + row("\"timestamp\": 1, \"input_length\": 5"), 2, "missing key \"output_length\""},
      {ok + row("\"timestamp\": 1, \"timestamp\": 2, " + lengths), 2, "twice"},
      {ok + row("\"timestamp\": \"1\", " + lengths), 2, "milliseconds"},
      {ok + row("\"timestamp\": 01, " + lengths), 2, "unexpected number literal"},
      {ok + row("\"timestamp\": -1, " + lengths), 2, "non-negative"},
      {ok + row("\"timestamp\": 1e30, " + lengths), 2, "out of range"},
      {row("\"timestamp\": 5, " + lengths) + ok, 2, "backwards"},
      {ok + row("\"timestamp\": 1, \"input_length\": 0, \"output_length\": 2"), 2, "input_length"},
      {ok + row("\"timestamp\": 1, \"input_length\": 5.5, \"output_length\": 2"), 2,
       "input_length"},
      {ok + row("\"timestamp\": 1, \"input_length\": 3000000000, \"output_length\": 2"), 2,
       "input_length"},
      {ok + row("\"timestamp\": 1, \"input_length\": 5, \"output_length\": -2"), 2,
       "output_length"},
      {ok + row("\"timestamp\": 1, " + lengths + ", \"hash_ids\": [1, -2]"), 2, "hash_ids"},
      {ok + row("\"timestamp\": 1, " + lengths + ", \"hash_ids\": [1,, 2]"), 2, "hash_ids"},
      {ok + row("\"timestamp\": 1, " + lengths + ", \"hash_ids\": [1 2]"), 2, "hash_ids"},
      {ok + row("\"timestamp\": 1, " + lengths + ", \"hash_ids\": 7"), 2, "hash_ids"},
      {ok + row("\"timestamp\": 1, " + lengths + ", \"hash_ids\": [99999999999999999999]"), 2,
       "hash_ids"},
      {ok + row("\"timestamp\" 1, " + lengths), 2, "':'"},
  };
  for (const auto& c : cases) {
    const std::string message = replay_error(c.text);
    EXPECT_NE(message.find("bad.jsonl:" + std::to_string(c.line) + ": "), std::string::npos)
        << c.text << " -> " << message;
    EXPECT_NE(message.find(c.mentioning), std::string::npos) << c.text << " -> " << message;
    EXPECT_NE(message.find("expected"), std::string::npos) << message;
  }
  EXPECT_NE(replay_error("\n\n").find("bad.jsonl: no data rows"), std::string::npos);
}

TEST(MooncakeTrace, CommittedSampleHasOneHashPerStartedBlock) {
  const auto rs = replay(std::filesystem::path(XPUSIM_SOURCE_DIR) / "traces/sample_mooncake.jsonl");
  ASSERT_EQ(rs.size(), 120u);  // traces/gen_samples.py writes 120 rows
  std::size_t shared_system_block = 0;
  for (const auto& r : rs) {
    // As in the real trace: one id per 512 prompt tokens, the last block partial.
    EXPECT_EQ(r.prefix_hashes.size(), static_cast<std::size_t>((r.prompt_tokens + 511) / 512));
    shared_system_block += !r.prefix_hashes.empty() && r.prefix_hashes[0] == 0;
  }
  EXPECT_EQ(shared_system_block, rs.size());
}

// The public Mooncake conversation trace, against the figures in shared/traces/README.md.
TEST(MooncakeTrace, RealConversationTraceMatchesItsPublishedFigures) {
  const std::filesystem::path file =
      XPUSIM_TEST_SHARED_DIR "/traces/mooncake/conversation_trace.jsonl";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "not present: " << file;
  auto reader = open_trace(TraceFormat::Mooncake, file);
  TraceStats stats;
  TraceRow row;
  while (reader->next(row)) stats.add(row);
  const auto s = stats.summary();
  EXPECT_EQ(s.requests, 12'031);
  EXPECT_EQ(reader->clamped_output_rows(), 0);
  // The README rounds: span 3,537 s, prompt mean 12,035, output mean 343, 24.0 blocks per
  // request, 36.6% re-use. Each tolerance is half the README's last digit, so a reader that
  // drops, duplicates or misparses even a few rows of 12,031 fails.
  EXPECT_NEAR(s.span_s, 3537, 0.5);
  EXPECT_NEAR(s.prompt.mean, 12'035, 0.5);
  EXPECT_NEAR(s.output.mean, 343, 0.5);
  EXPECT_NEAR(s.blocks_per_request, 24.0, 0.05);
  EXPECT_NEAR(s.block_reuse, 0.366, 0.0005);
  // Exact counts, computed independently with Python's json module over the same file.
  EXPECT_EQ(s.block_references, 288'500);
  EXPECT_EQ(s.distinct_blocks, 182'790);
  EXPECT_EQ(s.prompt.max, 126'195);
}

}  // namespace
}  // namespace xpusim::workload
