#include "xpusim/build_paths.hpp"
#include "xpusim/workload/trace_source.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "test_files.hpp"
#include "xpusim/core/error.hpp"

namespace xpusim::workload {
namespace {

std::vector<Request> drain(RequestSource& source) {
  std::vector<Request> out;
  while (auto r = source.next()) out.push_back(std::move(*r));
  return out;
}

TraceSource::Config config_for(const std::filesystem::path& path, TraceFormat format) {
  TraceSource::Config c;
  c.path = path;
  c.format = format;
  return c;
}

const char* kAzure =
    "TIMESTAMP,ContextTokens,GeneratedTokens\n"
    "2023-11-16 18:15:46.6805900,374,44\n"
    "2023-11-16 18:15:50.9951690,396,109\n"
    "2023-11-16 18:15:50.9951690,879,0\n"  // same instant; 0 generated tokens
    "2023-11-16 18:16:01.0000001,45,7\n";

TEST(TraceSource, AzureArrivalsAreExactNanosecondOffsets) {
  testing::TempDir dir;
  TraceSource source(config_for(dir.write("a.csv", kAzure), TraceFormat::Azure));
  const auto rs = drain(source);
  ASSERT_EQ(rs.size(), 4u);
  // Offsets by hand from the timestamps: 50.9951690 - 46.6805900 = 4.3145790 s, and so on.
  EXPECT_EQ(rs[0].arrival_ns, 0);
  EXPECT_EQ(rs[1].arrival_ns, 4'314'579'000);
  EXPECT_EQ(rs[2].arrival_ns, 4'314'579'000);
  EXPECT_EQ(rs[3].arrival_ns, 14'319'410'100);
  EXPECT_EQ(rs[0].prompt_tokens, 374);
  EXPECT_EQ(rs[1].output_tokens, 109);
  EXPECT_EQ(rs[2].output_tokens, 1);
  EXPECT_EQ(source.clamped_output_rows(), 1);
  for (std::size_t i = 0; i < rs.size(); ++i) {
    EXPECT_EQ(rs[i].id, i);
    EXPECT_EQ(rs[i].tenant, 0);
  }
  EXPECT_EQ(source.tenants(), std::vector<std::string>{"default"});
}

TEST(TraceSource, TimeScaleMaxRequestsAndStart) {
  testing::TempDir dir;
  const auto file = dir.write("a.csv", kAzure);
  auto c = config_for(file, TraceFormat::Azure);
  c.time_scale = 0.5;
  c.max_requests = 2;
  TraceSource halved(c);
  const auto rs = drain(halved);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[1].arrival_ns, 2'157'289'500);

  c = config_for(file, TraceFormat::Azure);
  c.start_s = 4.3;  // skips the first row; arrivals become offset - start_s
  TraceSource windowed(c);
  const auto ws = drain(windowed);
  ASSERT_EQ(ws.size(), 3u);
  EXPECT_EQ(ws[0].id, 0u);
  EXPECT_EQ(ws[0].arrival_ns, 14'579'000);
  EXPECT_EQ(ws[2].arrival_ns, 10'019'410'100);

  c.start_s = 20;  // past the last row
  EXPECT_THROW(TraceSource{c}, Error);
}

TEST(TraceSource, XpusimColumnsTenantsAndSloDefaults) {
  testing::TempDir dir;
  const auto file = dir.write(
      "x.csv",
      "arrival_s,prompt_tokens,output_tokens,tenant,session,priority,ttft_slo_s,tpot_slo_s,"
      "prefix_hashes\n"
      "0.5,100,10,bob,7,2,0.25,0.02,11;12;13\n"
      "1.000000001,200,20,alice,,,,,\n"
      "2,300,30,bob,8,-1,,0.03,11\n"
      "3,400,40,,9,0,1.5,,\n");
  auto c = config_for(file, TraceFormat::Xpusim);
  c.ttft_slo_s = 9;
  c.tpot_slo_s = 0.9;
  TraceSource source(c);
  // Complete before the first request, in first-seen order; an empty name is "default".
  ASSERT_EQ(source.tenants(), (std::vector<std::string>{"bob", "alice", "default"}));
  const auto rs = drain(source);
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_EQ(rs[0].arrival_ns, 500'000'000);  // not re-based: the file's offsets are kept
  EXPECT_EQ(rs[1].arrival_ns, 1'000'000'001);
  EXPECT_EQ(rs[0].tenant, 0);
  EXPECT_EQ(rs[1].tenant, 1);
  EXPECT_EQ(rs[2].tenant, 0);
  EXPECT_EQ(rs[3].tenant, 2);
  EXPECT_EQ(rs[0].session, 7u);
  EXPECT_EQ(rs[1].session, 0u);
  EXPECT_EQ(rs[0].priority, 2);
  EXPECT_EQ(rs[2].priority, -1);
  EXPECT_EQ(rs[0].ttft_slo_s, 0.25);
  EXPECT_EQ(rs[1].ttft_slo_s, 9);
  EXPECT_EQ(rs[2].tpot_slo_s, 0.03);
  EXPECT_EQ(rs[3].tpot_slo_s, 0.9);
  EXPECT_EQ(rs[0].prefix_hashes, (std::vector<std::uint64_t>{11, 12, 13}));
  EXPECT_TRUE(rs[1].prefix_hashes.empty());
  EXPECT_EQ(rs[2].prefix_hashes, (std::vector<std::uint64_t>{11}));
}

TEST(TraceSource, TenantsListOnlyThoseInsideTheWindow) {
  testing::TempDir dir;
  const auto file = dir.write("x.csv",
                              "tenant,arrival_s,prompt_tokens,output_tokens\n"
                              "early,0,1,1\nmid,5,1,1\nlate,6,1,1\nmid,7,1,1\n");
  auto c = config_for(file, TraceFormat::Xpusim);
  c.start_s = 1;
  c.max_requests = 2;
  TraceSource source(c);
  EXPECT_EQ(source.tenants(), (std::vector<std::string>{"mid", "late"}));
  const auto rs = drain(source);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].arrival_ns, 4 * kNsPerS);
  EXPECT_EQ(rs[1].tenant, 1);
}

TEST(TraceSource, ConfigFromParamsResolvesPathAgainstBaseDir) {
  testing::TempDir dir;
  dir.write("a.csv", kAzure);
  // Built as the scenario builds it: the registry's factory resolves the path.
  SourceCatalog catalog{"workload source"};
  register_request_sources(catalog);
  const auto& trace = *catalog.find("trace");
  const Params p = resolve_params(trace.schema, {{"format", std::string("azure")},
                                                 {"path", std::string("a.csv")},
                                                 {"max_requests", std::int64_t{3}}});
  const auto source = trace.make(p, SourceContext{.seed = 0, .base_dir = dir.path()});
  EXPECT_EQ(drain(*source).size(), 3u);
}

// Counts data lines independently of the reader: non-blank lines after the header.
std::size_t data_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::size_t n = 0;
  std::getline(in, line);
  while (std::getline(in, line)) n += !line.empty();
  return n;
}

TEST(TraceSource, CommittedSamplesReplayWhole) {
  const std::filesystem::path traces = std::filesystem::path(XPUSIM_SOURCE_DIR) / "traces";
  for (const auto& [name, format] : {std::pair{"sample_azure.csv", TraceFormat::Azure},
                                     std::pair{"sample_xpusim.csv", TraceFormat::Xpusim}}) {
    TraceSource source(config_for(traces / name, format));
    const auto rs = drain(source);
    EXPECT_EQ(rs.size(), data_lines(traces / name)) << name;
    for (std::size_t i = 1; i < rs.size(); ++i) EXPECT_GE(rs[i].arrival_ns, rs[i - 1].arrival_ns);
  }
}

struct RealTrace {
  const char* file;
  std::size_t rows;
  double mean_prompt;
  double span_s;
};

TEST(TraceSource, RealAzureTraces) {
  // Figures from shared/traces/README.md (computed there independently of xpusim).
  const RealTrace traces[] = {{"AzureLLMInferenceTrace_conv.csv", 19'366, 1155, 3502},
                              {"AzureLLMInferenceTrace_code.csv", 8'819, 2048, 3436}};
  for (const auto& t : traces) {
    const std::filesystem::path file =
        std::filesystem::path(XPUSIM_TEST_SHARED_DIR "/traces/azure-llm-2023") / t.file;
    if (!std::filesystem::exists(file)) GTEST_SKIP() << "real trace absent: " << file;
    TraceSource source(config_for(file, TraceFormat::Azure));
    std::size_t n = 0;
    double prompt_sum = 0;
    TimeNs last = 0;
    while (auto r = source.next()) {
      ++n;
      prompt_sum += r->prompt_tokens;
      last = r->arrival_ns;
    }
    EXPECT_EQ(n, t.rows) << t.file;
    EXPECT_NEAR(prompt_sum / static_cast<double>(n), t.mean_prompt, 1) << t.file;
    EXPECT_NEAR(ns_to_seconds(last), t.span_s, 1) << t.file;
    EXPECT_EQ(source.clamped_output_rows(), 0) << t.file;
  }
}

}  // namespace
}  // namespace xpusim::workload
