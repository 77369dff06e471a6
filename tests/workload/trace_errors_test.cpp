// Every class of malformed input is an xpusim::Error whose message names the file and line.
#include <gtest/gtest.h>

#include "test_files.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/workload/trace_source.hpp"

namespace xpusim::workload {
namespace {

constexpr const char* kAzureHeader = "TIMESTAMP,ContextTokens,GeneratedTokens\n";
constexpr const char* kXpusimHeader = "arrival_s,prompt_tokens,output_tokens\n";

// Replays `text` to the end and returns the error message ("" when none was thrown).
std::string replay_error(const std::string& text, TraceFormat format) {
  testing::TempDir dir;
  const auto file = dir.write("bad_trace.csv", text);
  try {
    TraceSource::Config c;
    c.path = file;
    c.format = format;
    TraceSource source(c);
    while (source.next()) {
    }
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

struct BadRow {
  const char* name;
  std::string text;
  TraceFormat format;
  int line;                // the line the message must point at
  const char* mentioning;  // a word the message must contain
};

TEST(TraceErrors, EachMalformedRowNamesFileLineAndProblem) {
  const std::string ok_azure = "2023-11-16 18:15:46.6805900,374,44\n";
  const std::vector<BadRow> cases = {
      {"azure too few fields", kAzureHeader + ok_azure + "2023-11-16 18:15:47.0,12\n",
       TraceFormat::Azure, 3, "fields"},
      {"azure too many fields", kAzureHeader + ok_azure + "2023-11-16 18:15:47.0,12,3,4\n",
       TraceFormat::Azure, 3, "fields"},
      {"azure bad timestamp", kAzureHeader + ok_azure + "2023-11-16 25:00:00.0,12,3\n",
       TraceFormat::Azure, 3, "TIMESTAMP"},
      {"azure backwards", kAzureHeader + ok_azure + "2023-11-16 18:15:46.6805899,12,3\n",
       TraceFormat::Azure, 3, "backwards"},
      {"azure non-number", kAzureHeader + ok_azure + "2023-11-16 18:15:47.0,12x,3\n",
       TraceFormat::Azure, 3, "ContextTokens"},
      {"azure zero prompt", kAzureHeader + ok_azure + "2023-11-16 18:15:47.0,0,3\n",
       TraceFormat::Azure, 3, "ContextTokens"},
      {"azure negative output", kAzureHeader + ok_azure + "2023-11-16 18:15:47.0,5,-3\n",
       TraceFormat::Azure, 3, "GeneratedTokens"},
      {"azure token overflow", kAzureHeader + ok_azure + "2023-11-16 18:15:47.0,3000000000,3\n",
       TraceFormat::Azure, 3, "ContextTokens"},
      {"xpusim wrong field count", std::string(kXpusimHeader) + "0,1,1\n1,2\n", TraceFormat::Xpusim,
       3, "fields"},
      {"xpusim nan arrival", std::string(kXpusimHeader) + "nan,1,1\n", TraceFormat::Xpusim, 2,
       "arrival_s"},
      {"xpusim negative arrival", std::string(kXpusimHeader) + "-1,1,1\n", TraceFormat::Xpusim, 2,
       "arrival_s"},
      {"xpusim arrival overflow", std::string(kXpusimHeader) + "1e12,1,1\n", TraceFormat::Xpusim, 2,
       "arrival_s"},
      {"xpusim backwards", std::string(kXpusimHeader) + "\n0.5,1,1\n0.4,1,1\n", TraceFormat::Xpusim,
       4, "backwards"},  // blank lines still count
      {"xpusim zero output", std::string(kXpusimHeader) + "0,1,0\n", TraceFormat::Xpusim, 2,
       "output_tokens"},
      {"xpusim token overflow", std::string(kXpusimHeader) + "0,99999999999999999999,1\n",
       TraceFormat::Xpusim, 2, "overflows"},
      {"xpusim bad session", "arrival_s,prompt_tokens,output_tokens,session\n0,1,1,-4\n",
       TraceFormat::Xpusim, 2, "session"},
      {"xpusim bad slo", "arrival_s,prompt_tokens,output_tokens,ttft_slo_s\n0,1,1,inf\n",
       TraceFormat::Xpusim, 2, "ttft_slo_s"},
      {"xpusim negative slo", "arrival_s,prompt_tokens,output_tokens,tpot_slo_s\n0,1,1,-0.1\n",
       TraceFormat::Xpusim, 2, "tpot_slo_s"},
      {"xpusim bad hash", "arrival_s,prompt_tokens,output_tokens,prefix_hashes\n0,1,1,3;;4\n",
       TraceFormat::Xpusim, 2, "prefix_hashes"},
      {"xpusim unknown column", "arrival_s,prompt_tokens,output_tokens,colour\n0,1,1,red\n",
       TraceFormat::Xpusim, 1, "colour"},
      {"xpusim missing column", "arrival_s,prompt_tokens\n0,1\n", TraceFormat::Xpusim, 1,
       "output_tokens"},
      {"xpusim duplicate column", "arrival_s,prompt_tokens,output_tokens,tenant,tenant\n",
       TraceFormat::Xpusim, 1, "twice"},
      {"azure header on xpusim", std::string(kAzureHeader) + ok_azure, TraceFormat::Xpusim, 1,
       "format: azure"},
      {"xpusim header on azure", std::string(kXpusimHeader) + "0,1,1\n", TraceFormat::Azure, 1,
       "format: xpusim"},
  };
  for (const auto& c : cases) {
    const std::string message = replay_error(c.text, c.format);
    EXPECT_NE(message.find("bad_trace.csv:" + std::to_string(c.line) + ": "), std::string::npos)
        << c.name << ": " << message;
    EXPECT_NE(message.find(c.mentioning), std::string::npos) << c.name << ": " << message;
    EXPECT_NE(message.find("expected"), std::string::npos) << c.name << ": " << message;
  }
}

// The message for opening `path` as an xpusim trace ("" when none was thrown).
std::string open_error(const std::filesystem::path& path) {
  try {
    TraceSource::Config c;
    c.path = path;
    TraceSource source(c);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(TraceErrors, MissingEmptyAndHeaderOnlyFiles) {
  testing::TempDir dir;
  const std::string missing = open_error(dir.path() / "no_such_trace.csv");
  EXPECT_NE(missing.find("no_such_trace.csv: cannot open"), std::string::npos) << missing;
  const std::string empty = open_error(dir.write("empty.csv", "\n\n"));
  EXPECT_NE(empty.find("empty.csv: empty file"), std::string::npos) << empty;
  const std::string header_only = open_error(dir.write("header_only.csv", kXpusimHeader));
  EXPECT_NE(header_only.find("header_only.csv: no data rows"), std::string::npos) << header_only;
  const std::string directory = open_error(dir.path());
  EXPECT_NE(directory.find("is a directory"), std::string::npos) << directory;
}

TEST(TraceErrors, CrlfLineEndingsAndMissingFinalNewlineAreAccepted) {
  EXPECT_EQ(replay_error("\xEF\xBB\xBF"
                         "arrival_s,prompt_tokens,output_tokens\r\n0,1,1\r\n2,3,4",
                         TraceFormat::Xpusim),
            "");
}

}  // namespace
}  // namespace xpusim::workload
