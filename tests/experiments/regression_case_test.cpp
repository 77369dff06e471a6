// Regression cases: parsing with error locations, tolerance semantics, old-vs-new report,
// and the --update rewrite.
#include "xpusim/experiments/regression_case.hpp"

#include <gtest/gtest.h>

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

const char* kCase = R"(description: "two policies"
scenario: ../../configs/q.yaml
set: {batching.policy: sarathi, workload.num_requests: 30}
expect:
  tbt_s.p99: {value: 0.05, rel_tol: 0.02, reason: "tail sample"}
  requests.completed: {value: 30, abs_tol: 0, reason: "exact count"}
  utilization.inst0.gpu0: {value: 0.5, abs_tol: 0.1, rel_tol: 0.01, reason: "device key has a dot"}
)";

TEST(RegressionCase, ParsesScenarioOverridesAndExpectations) {
  const RegressionCase c = parse_regression_case(kCase, "tests/regression/a.yaml");
  EXPECT_EQ(c.scenario_path(), std::filesystem::path("tests/regression/../../configs/q.yaml"));
  EXPECT_EQ(c.overrides,
            (std::vector<std::string>{"batching.policy=sarathi", "workload.num_requests=30"}));
  ASSERT_EQ(c.expect.size(), 3u);
  EXPECT_EQ(c.expect[0].metric, "tbt_s.p99");
  EXPECT_DOUBLE_EQ(c.expect[0].rel_tol, 0.02);
  EXPECT_EQ(c.expect[1].reason, "exact count");
}

TEST(RegressionCase, EveryExpectationNeedsAToleranceAndAReason) {
  try {
    parse_regression_case(
        "scenario: q.yaml\nexpect:\n  a: {value: 1}\n  b: {value: x, rel_tol: 0, reason: r}\n",
        "c.yaml");
    FAIL() << "accepted an expectation without tolerance or reason";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.messages().size(), 3u);
    EXPECT_EQ(e.messages()[0],
              "c.yaml:3:6: key 'expect.a': give rel_tol and/or abs_tol (0 for an exact match), "
              "so the tolerance is a decision");
    EXPECT_EQ(e.messages()[1],
              "c.yaml:3:6: key 'expect.a.reason': missing: one line saying why this tolerance");
    EXPECT_EQ(e.messages()[2], "c.yaml:4:14: key 'expect.b.value': expected a number, got 'x'");
  }
}

TEST(RegressionCase, ToleranceIsTheLargerOfRelativeAndAbsolute) {
  const RegressionCase c = parse_regression_case(kCase, "a.yaml");
  auto summary = nlohmann::json::parse(
      R"({"tbt_s": {"p99": 0.0509}, "requests": {"completed": 30}, "utilization": {"inst0.gpu0": 0.59}})");
  auto checks = check_summary(c, summary);
  EXPECT_TRUE(checks[0].ok);  // 1.8% off, 2% allowed
  EXPECT_TRUE(checks[1].ok);
  EXPECT_TRUE(checks[2].ok);  // abs 0.1 beats rel 1%
  summary["tbt_s"]["p99"] = 0.0511;
  summary["requests"]["completed"] = 29;
  summary["utilization"]["inst0.gpu0"] = 0.61;
  checks = check_summary(c, summary);
  EXPECT_FALSE(checks[0].ok);
  EXPECT_FALSE(checks[1].ok);
  EXPECT_FALSE(checks[2].ok);
  summary.erase("tbt_s");
  checks = check_summary(c, summary);
  EXPECT_FALSE(checks[0].ok);
  EXPECT_FALSE(checks[0].actual.has_value());
  const std::string report = describe_checks(checks, true);
  EXPECT_NE(report.find("FAIL tbt_s.p99: expected 0.05 ± 2%, got no such number in the summary  "
                        "[tolerance: tail sample]"),
            std::string::npos)
      << report;
  EXPECT_NE(
      report.find(
          "FAIL requests.completed: expected 30 ± 0, got 29 (-3.33%)  [tolerance: exact count]"),
      std::string::npos)
      << report;
}

TEST(RegressionCase, UpdateRewritesValuesAndKeepsEverythingElse) {
  const RegressionCase c = parse_regression_case(kCase, "a.yaml");
  const auto summary = nlohmann::json::parse(
      R"({"tbt_s": {"p99": 0.125}, "requests": {"completed": 29}, "utilization": {"inst0.gpu0": 0.75}})");
  const RegressionCase u = parse_regression_case(updated_case_text(c, summary), "a.yaml");
  EXPECT_EQ(u.description, c.description);
  EXPECT_EQ(u.scenario, c.scenario);
  EXPECT_EQ(u.overrides, c.overrides);
  ASSERT_EQ(u.expect.size(), 3u);
  EXPECT_DOUBLE_EQ(u.expect[0].value, 0.125);
  EXPECT_DOUBLE_EQ(u.expect[1].value, 29);
  EXPECT_DOUBLE_EQ(u.expect[2].value, 0.75);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(u.expect[i].reason, c.expect[i].reason);
    EXPECT_DOUBLE_EQ(u.expect[i].rel_tol, c.expect[i].rel_tol);
    EXPECT_DOUBLE_EQ(u.expect[i].abs_tol, c.expect[i].abs_tol);
  }
  for (const auto& m : check_summary(u, summary)) EXPECT_TRUE(m.ok) << m.expected.metric;
}

}  // namespace
}  // namespace xpusim::experiments
