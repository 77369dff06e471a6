// Progress, timelines of every system kind, `xpusim diff` and `regress --junit`, through the
// real binary (issue 21 items 3, 4 and 8).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_xpusim;
using testing::slurp;

class Observability : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() /
                 ("xpusim_obs_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
};

// What a timeline holds: process names, thread names per process, spans and counters.
struct Trace {
  std::map<int, std::string> processes;
  std::map<int, std::map<std::int64_t, std::string>> threads;
  std::map<int, std::vector<nlohmann::json>> spans;                 // pid -> X events
  std::map<std::string, std::vector<double>> counters;              // track -> values
  double last_end_us = 0;
};

Trace read_trace(const fs::path& file) {
  const auto doc = nlohmann::json::parse(slurp(file));  // throws when not valid JSON
  Trace t;
  for (const auto& e : doc.at("traceEvents")) {
    const std::string ph = e.at("ph");
    const int pid = e.at("pid");
    if (ph == "M") {
      if (e["name"] == "process_name") t.processes[pid] = e["args"]["name"];
      if (e["name"] == "thread_name") t.threads[pid][e["tid"].get<std::int64_t>()] = e["args"]["name"];
    } else if (ph == "X") {
      EXPECT_GE(e["dur"].get<double>(), 0.0) << e;
      t.last_end_us = std::max(t.last_end_us, e["ts"].get<double>() + e["dur"].get<double>());
      t.spans[pid].push_back(e);
    } else if (ph == "C") {
      t.counters[e["name"]].push_back(e["args"]["value"].get<double>());
    }
  }
  return t;
}

nlohmann::json summary_of(const fs::path& out) {
  return nlohmann::json::parse(slurp(out / "summary.json"));
}

TEST_F(Observability, SocTimelineHasEngineTracksAndPower) {
  const auto o = run_xpusim("-q run configs/soc_agent_xpu.yaml --timeline --set horizon_s=20 -o " +
                                (dir / "r").string(), dir, XPUSIM_SOURCE_DIR);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const Trace t = read_trace(dir / "r" / "timeline.json");
  EXPECT_EQ(t.processes.at(1), "devices");
  std::set<std::string> engines;
  for (const auto& [tid, name] : t.threads.at(1)) engines.insert(name);
  EXPECT_EQ(engines.size(), 3u);  // CPU, iGPU, NPU
  EXPECT_FALSE(t.spans.at(1).empty());
  EXPECT_LE(t.last_end_us, summary_of(dir / "r")["simulated_s"].get<double>() * 1e6 + 1e-3);
  bool power = false;
  for (const auto& [name, values] : t.counters) power = power || name.find("power (W)") != std::string::npos;
  EXPECT_TRUE(power);
}

// One step span per step the summary counts, each step's layer passes laid inside it.
TEST_F(Observability, MoeTimelineHasOneSpanPerStep) {
  const auto o = run_xpusim("-q run configs/moe_mixtral_training.yaml --timeline -o " +
                                (dir / "r").string(), dir, XPUSIM_SOURCE_DIR);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const Trace t = read_trace(dir / "r" / "timeline.json");
  EXPECT_EQ(t.processes.at(1), "steps");
  EXPECT_EQ(t.processes.at(2), "MoE layers");
  const auto steps_csv = testing::csv_rows(slurp(dir / "r" / "steps.csv"));
  ASSERT_EQ(t.spans.at(1).size(), steps_csv.size() - 1);  // minus the header
  EXPECT_FALSE(t.spans.at(2).empty());
  for (const auto& l : t.spans.at(2)) {
    bool inside = false;
    for (const auto& s : t.spans.at(1))
      inside = inside || (l["ts"].get<double>() >= s["ts"].get<double>() - 1e-3 &&
                          l["ts"].get<double>() + l["dur"].get<double>() <=
                              s["ts"].get<double>() + s["dur"].get<double>() + 1e-3);
    EXPECT_TRUE(inside) << l;
  }
  EXPECT_EQ(t.counters.at("tokens per second").size(), t.spans.at(1).size());
  for (double v : t.counters.at("load imbalance (max/mean GPU tokens)")) EXPECT_GE(v, 1.0 - 1e-9);
}

TEST_F(Observability, MoeOffloadTimelineHasIterationsAndHitRate) {
  const auto o = run_xpusim("-q run configs/moe_offload_deepseek.yaml --timeline -o " +
                                (dir / "r").string(), dir, XPUSIM_SOURCE_DIR);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const Trace t = read_trace(dir / "r" / "timeline.json");
  EXPECT_EQ(t.spans.at(1).size(), 64u);  // run.iterations of the config
  // Iterations run back to back: the last ends at the simulated time.
  EXPECT_NEAR(t.last_end_us, summary_of(dir / "r")["simulated_s"].get<double>() * 1e6, 1e-3);
  ASSERT_EQ(t.counters.at("cache hit rate").size(), 64u);
  for (double v : t.counters.at("cache hit rate")) {
    EXPECT_GE(v, 0.0);
    EXPECT_LE(v, 1.0);
  }
}

TEST_F(Observability, InaTimelineHasOneTrackPerJobAndSlotCounters) {
  const auto o = run_xpusim("-q run configs/ina_jct.yaml --timeline -o " + (dir / "r").string(),
                            dir, XPUSIM_SOURCE_DIR);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.err.find("writes no timeline"), std::string::npos) << o.err;
  const Trace t = read_trace(dir / "r" / "timeline.json");
  const auto jobs_csv = testing::csv_rows(slurp(dir / "r" / "jobs.csv"));
  EXPECT_EQ(t.threads.at(1).size(), jobs_csv.size() - 1);
  const auto& occupied = t.counters.at("aggregator slots occupied");
  const auto& aggregating = t.counters.at("aggregator slots aggregating");
  ASSERT_FALSE(occupied.empty());
  ASSERT_FALSE(aggregating.empty());
  for (double v : occupied) EXPECT_GE(v, 0.0);
}

// The request-track cap is a setting; reaching it is said, with how many were left out.
TEST_F(Observability, RequestTrackCapWarns) {
  const auto o = run_xpusim(
      "run configs/quickstart.yaml --set workload.num_requests=12 --timeline "
      "--timeline-max-tracks 5 -o " + (dir / "r").string(), dir, XPUSIM_SOURCE_DIR);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const Trace t = read_trace(dir / "r" / "timeline.json");
  EXPECT_EQ(t.threads.at(3).size(), 5u);
  EXPECT_NE(o.err.find("7 requests beyond the first 5 have no request track"), std::string::npos)
      << o.err;
}

// Progress lines for logs (stderr is a file here); -q silences them; outputs are unchanged.
TEST_F(Observability, ProgressLinesDoNotChangeOutputs) {
  const std::string base = "run configs/quickstart.yaml --set workload.num_requests=400 ";
  const auto p = run_xpusim(base + "--progress-every 0.001 -o " + (dir / "p").string(), dir,
                            XPUSIM_SOURCE_DIR);
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.err.find("progress quickstart: "), std::string::npos) << p.err;
  EXPECT_NE(p.err.find("/400 requests done"), std::string::npos) << p.err;
  EXPECT_NE(p.err.find(" left"), std::string::npos) << p.err;
  const auto q = run_xpusim("-q " + base + "--progress-every 0.001 -o " + (dir / "q").string(),
                            dir, XPUSIM_SOURCE_DIR);
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.err, "");
  for (const char* f : {"summary.json", "requests.csv", "devices.csv", "tenant_service.csv"})
    EXPECT_EQ(slurp(dir / "p" / f), slurp(dir / "q" / f)) << f;
}

TEST_F(Observability, ProgressForStepWiseKinds) {
  for (const char* c : {"moe_offload_deepseek", "moe_mixtral_training"}) {
    const auto o = run_xpusim(std::string("run configs/") + c + ".yaml --progress-every 0.001 -o " +
                                  (dir / c).string(), dir, XPUSIM_SOURCE_DIR);
    ASSERT_EQ(o.exit_code, 0) << o.err;
    EXPECT_NE(o.err.find(std::string("progress ") + c + ": "), std::string::npos) << o.err;
  }
}

// diff: the relative change of each metric is (B - A) / |A|, computed here from the summaries.
TEST_F(Observability, DiffShowsRelativeChanges) {
  const std::string base = "-q run configs/quickstart.yaml --set workload.num_requests=200 ";
  ASSERT_EQ(run_xpusim(base + "-o " + (dir / "a").string(), dir, XPUSIM_SOURCE_DIR).exit_code, 0);
  ASSERT_EQ(run_xpusim(base + "--set workload.rate_per_s=4 -o " + (dir / "b").string(), dir,
                       XPUSIM_SOURCE_DIR).exit_code, 0);
  const auto o = run_xpusim("diff " + (dir / "a").string() + " " + (dir / "b").string(), dir);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const double a = summary_of(dir / "a")["makespan_s"], b = summary_of(dir / "b")["makespan_s"];
  char expected[32];
  std::snprintf(expected, sizeof expected, "%+.2f%%", (b - a) / std::fabs(a) * 100);
  const auto line = o.out.substr(o.out.find("\nmakespan_s "));
  EXPECT_NE(line.substr(0, line.find('\n', 1)).find(expected), std::string::npos) << o.out;
  // A run against itself: nothing changed; --fail-above fails only on a real change.
  const auto same = run_xpusim("diff --fail-above 0 " + (dir / "a").string() + " " +
                                   (dir / "a").string(), dir);
  EXPECT_EQ(same.exit_code, 0) << same.out;
  EXPECT_NE(same.out.find(" 0 changed"), std::string::npos) << same.out;
  EXPECT_EQ(run_xpusim("diff --fail-above 1 " + (dir / "a").string() + " " + (dir / "b").string(),
                       dir).exit_code, 1);
  const auto missing = run_xpusim("diff " + (dir / "a").string() + " " + (dir / "nope").string(), dir);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nope: no such file or folder"), std::string::npos) << missing.err;
}

// Against a regression case only the case's metrics are compared, with its expected values.
TEST_F(Observability, DiffAgainstARegressionCase) {
  ASSERT_EQ(run_xpusim("-q run configs/quickstart.yaml --set workload.num_requests=40 -o " +
                           (dir / "a").string(), dir, XPUSIM_SOURCE_DIR).exit_code, 0);
  std::ofstream(dir / "case.yaml") << "scenario: " << XPUSIM_SOURCE_DIR << "/configs/quickstart.yaml\n"
                                   << "expect:\n"
                                   << "  requests.completed: {value: 50, abs_tol: 0, reason: \"x\"}\n";
  const auto o = run_xpusim("diff " + (dir / "case.yaml").string() + " " + (dir / "a").string(), dir);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("requests.completed"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("-20.00%"), std::string::npos) << o.out;  // 40 vs 50
  EXPECT_NE(o.out.find("1 metrics: 1 changed"), std::string::npos) << o.out;
}

TEST_F(Observability, RegressWritesJUnit) {
  std::ofstream(dir / "good.yaml") << "scenario: " << XPUSIM_SOURCE_DIR << "/configs/quickstart.yaml\n"
                                   << "set: {workload.num_requests: 40}\n"
                                   << "expect:\n"
                                   << "  requests.completed: {value: 40, abs_tol: 0, reason: \"all\"}\n";
  std::ofstream(dir / "bad.yaml") << "scenario: " << XPUSIM_SOURCE_DIR << "/configs/quickstart.yaml\n"
                                  << "set: {workload.num_requests: 40}\n"
                                  << "expect:\n"
                                  << "  requests.completed: {value: 39, abs_tol: 0, reason: \"<off>\"}\n";
  const auto o = run_xpusim("regress --junit " + (dir / "j.xml").string() + " " + dir.string(), dir);
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  const std::string xml = slurp(dir / "j.xml");
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", 0), 0u) << xml;
  EXPECT_NE(xml.find("tests=\"2\" failures=\"1\" errors=\"0\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("name=\"" + (dir / "good.yaml").string() + "\" time=\""), std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"metrics out of tolerance\">"), std::string::npos) << xml;
  EXPECT_NE(xml.find("&lt;off&gt;"), std::string::npos) << xml;  // the reason, escaped
  EXPECT_EQ(xml.find("<off>"), std::string::npos) << xml;
}

// RFC 4180 quoting in CSV traces (issue 21 item 6): an Azure export with every field quoted
// loads; an unclosed quote is one located error.
TEST_F(Observability, QuotedAzureCsvLoads) {
  std::ofstream(dir / "q.csv") << "\"TIMESTAMP\",\"ContextTokens\",\"GeneratedTokens\"\r\n"
                               << "\"2023-11-16 18:15:46.6805900\",\"374\",\"44\"\r\n"
                               << "\"2023-11-16 18:15:50.9951690\", 396 ,\"109\"\r\n";
  const auto o = run_xpusim("trace stats " + (dir / "q.csv").string(), dir);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("azure (inferred)"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("span_s               4.315"), std::string::npos) << o.out;  // 50.995 - 46.681
  std::ofstream(dir / "bad.csv") << "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                 << "\"2023-11-16 18:15:46.6805900,374,44\n";
  const auto b = run_xpusim("trace stats " + (dir / "bad.csv").string(), dir);
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_NE(b.err.find("bad.csv:2: field 1 opens a quote that the line never closes"),
            std::string::npos) << b.err;
}

}  // namespace
}  // namespace xpusim::cli
