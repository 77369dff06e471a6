// Joining sweep points into results.csv: flattening, column order, quoting, point outcomes.
#include "xpusim/experiments/sweep_results.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "xpusim/scenario/section_reader.hpp"
#include "xpusim/scenario/yaml_document.hpp"

namespace xpusim::experiments {

// The scenario layer's YAML reading and error reporting, used by every experiments file.
using scenario::convert_scalar;
using scenario::Diagnostics;
using scenario::Location;
using scenario::ScenarioError;
using scenario::SectionReader;
using scenario::YamlDocument;
namespace {

namespace fs = std::filesystem;

TEST(SweepResults, FlattenKeepsEveryScalarButScenarioAndSeed) {
  const auto j = nlohmann::json::parse(
      R"({"seed": 3, "scenario": {"x": 1}, "ttft_s": {"p99": 0.5}, "ok": true,
          "per_device": [{"j": 2}, {"j": 4}], "name": "a,b", "none": null})");
  const auto f = flatten_summary(j);
  EXPECT_EQ(f, (std::map<std::string, std::string>{{"ttft_s.p99", "0.5"},
                                                   {"ok", "true"},
                                                   {"per_device.0.j", "2"},
                                                   {"per_device.1.j", "4"},
                                                   {"name", "a,b"},
                                                   {"none", ""}}));
}

SweepPoint point(std::size_t i, std::string id,
                 std::vector<std::pair<std::string, std::string>> params,
                 std::optional<std::uint64_t> seed) {
  SweepPoint p;
  p.index = i;
  p.id = std::move(id);
  p.params = std::move(params);
  p.seed = seed;
  return p;
}

TEST(SweepResults, CsvHasFixedColumnsThenSortedUnionOfMetrics) {
  const std::vector<SweepPoint> points = {
      point(0, "p0", {{"batching.policy", "vllm"}}, 1),
      point(1, "p1", {{"batching.policy", "orca"}, {"workload.rate_per_s", "2"}}, std::nullopt),
      point(2, "p2", {{"batching.policy", "sarathi"}}, 2)};
  std::vector<PointOutcome> outcomes(3);
  outcomes[0].ok = true;
  outcomes[0].summary = nlohmann::json::parse(R"({"seed": 1, "b": {"x": 1.5}, "a": 2})");
  outcomes[1].ok = true;
  outcomes[1].summary = nlohmann::json::parse(R"({"seed": 9, "c": 3})");
  outcomes[2].error = "key 'x': bad, \"very\" bad";
  const std::string csv = results_csv({"batching.policy", "workload.rate_per_s"}, points, outcomes);
  EXPECT_EQ(csv,
            "point,status,error,batching.policy,workload.rate_per_s,seed,a,b.x,c\n"
            "p0,ok,,vllm,,1,2,1.5,\n"
            "p1,ok,,orca,2,9,,,3\n"  // no sweep seed: the one the run used
            "p2,failed,\"key 'x': bad, \"\"very\"\" bad\",sarathi,,2,,,\n");
}

TEST(SweepResults, OutcomeComesFromThePointDirectory) {
  const fs::path dir =
      fs::temp_directory_path() / ("xpusim_sweep_results_" + std::to_string(::getpid()));
  fs::create_directories(dir / "ok");
  fs::create_directories(dir / "failed");
  fs::create_directories(dir / "killed");
  std::ofstream(dir / "ok" / "summary.json") << R"({"x": 1})";
  std::ofstream(dir / "failed" / "error.txt") << "key 'y': no\n";
  std::ofstream(dir / "killed" / "requests.csv.tmp.123") << "half a fi";

  EXPECT_TRUE(point_complete(dir / "ok"));
  const auto ok = read_point_outcome(dir / "ok");
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.summary["x"], 1);
  const auto failed = read_point_outcome(dir / "failed");
  EXPECT_FALSE(failed.ok);
  EXPECT_EQ(failed.error, "key 'y': no");
  EXPECT_FALSE(point_complete(dir / "killed"));  // temp files of a killed run do not count
  EXPECT_EQ(read_point_outcome(dir / "killed").error, "not run");
  EXPECT_EQ(read_point_outcome(dir / "absent").error, "not run");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace xpusim::experiments
