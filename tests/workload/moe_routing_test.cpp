#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "workload/test_files.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/workload/routing_trace.hpp"
#include "xpusim/workload/zipf_routing.hpp"

namespace xpusim::workload {
namespace {

double max_over_mean(const std::vector<std::int64_t>& v) {
  const double sum = std::accumulate(v.begin(), v.end(), 0.0);
  return *std::max_element(v.begin(), v.end()) / (sum / v.size());
}

ZipfRoutingConfig config(double skew, double drift, double shift, double corr) {
  ZipfRoutingConfig c;
  c.layers = 4, c.experts = 16, c.top_k = 2, c.tokens = 20000;
  c.skew = skew, c.drift = drift, c.micro_batch_shift = shift, c.layer_correlation = corr;
  c.micro_batches = 2;
  return c;
}

TEST(TopKInclusion, SumsToKAndCapsAtOne) {
  const auto p = top_k_inclusion({100, 1, 1, 1}, 2);
  EXPECT_DOUBLE_EQ(p[0], 1.0);
  EXPECT_NEAR(p[1] + p[2] + p[3], 1.0, 1e-12);
  EXPECT_NEAR(p[1], 1.0 / 3, 1e-12);
  const auto q = top_k_inclusion({1, 1, 1, 1}, 2);
  for (double x : q) EXPECT_DOUBLE_EQ(x, 0.5);
}

TEST(ZipfRouting, UniformWithoutSkewAndSkewedWithIt) {
  ZipfRouting flat(config(0.0, 0, 0, 1), RngStream(1));
  ZipfRouting skewed(config(1.2, 0, 0, 1), RngStream(1));
  ExpertLoads a, b;
  flat.next(a);
  skewed.next(b);
  EXPECT_LT(max_over_mean(a[0]), 1.05);  // binomial noise only (sd ~ 1% of the mean)
  EXPECT_GT(max_over_mean(b[0]), 3.0);
  // Every token picks top_k distinct experts: counts sum to about tokens * k, none above tokens.
  const double sum = std::accumulate(b[0].begin(), b[0].end(), 0.0);
  EXPECT_NEAR(sum, 40000, 1000);
  for (auto x : b[0]) EXPECT_LE(x, 20000);
}

int hottest(const std::vector<std::int64_t>& v) {
  return static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin());
}

TEST(ZipfRouting, NoDriftKeepsTheHotSet) {
  ZipfRouting r(config(1.0, 0, 0, 0.5), RngStream(3));
  const std::vector<int> first = r.ranking(2);
  ExpertLoads l;
  for (int i = 0; i < 6; ++i) r.next(l);
  EXPECT_EQ(r.ranking(2), first);
}

TEST(ZipfRouting, BatchDriftMovesTheHotSetMicroBatchShiftAroundIt) {
  ZipfRouting drifting(config(1.0, 1.0, 0, 1), RngStream(3));
  ExpertLoads l;
  drifting.next(l);
  const std::vector<int> batch0 = drifting.ranking(0);
  drifting.next(l);  // same global batch (2 micro-batches per batch), no micro-batch shift
  EXPECT_EQ(drifting.ranking(0), batch0);
  drifting.next(l);  // next batch: a new ranking
  EXPECT_NE(drifting.ranking(0), batch0);

  ZipfRouting shifting(config(1.0, 0, 1.0, 1), RngStream(3));
  shifting.next(l);
  const std::vector<int> micro0 = shifting.ranking(0);
  shifting.next(l);
  EXPECT_NE(shifting.ranking(0), micro0);
}

TEST(ZipfRouting, FullLayerCorrelationGivesIdenticalLayers) {
  ZipfRouting r(config(1.0, 0.5, 0.5, 1.0), RngStream(5));
  ExpertLoads l;
  for (int i = 0; i < 5; ++i) {
    r.next(l);
    for (int layer = 1; layer < 4; ++layer) EXPECT_EQ(r.ranking(layer), r.ranking(0));
  }
  ZipfRouting indep(config(1.0, 0.5, 0.5, 0.0), RngStream(5));
  indep.next(l);
  EXPECT_NE(indep.ranking(1), indep.ranking(0));
}

TEST(ZipfRouting, SameSeedSameLoads) {
  ZipfRouting a(config(0.8, 0.2, 0.2, 0.5), RngStream(9, "moe.routing"));
  ZipfRouting b(config(0.8, 0.2, 0.2, 0.5), RngStream(9, "moe.routing"));
  ExpertLoads x, y;
  for (int i = 0; i < 4; ++i) {
    a.next(x), b.next(y);
    EXPECT_EQ(x, y);
  }
}

TEST(RoutingTrace, ReplaysRowsInOrderAndWraps) {
  testing::TempDir dir;
  const auto p = dir.write("r.csv",
                           "# two layers, three experts\n"
                           "micro_batch,layer,e0,e1,e2\n"
                           "0,0,1,2,3\n0,1,4,5,6\n1,0,7,8,9\n1,1,0,0,1\n");
  RoutingTrace t(p, 2, 3);
  EXPECT_EQ(t.micro_batches(), 2u);
  ExpertLoads l;
  t.next(l);
  EXPECT_EQ(l, (ExpertLoads{{1, 2, 3}, {4, 5, 6}}));
  t.next(l);
  EXPECT_EQ(l, (ExpertLoads{{7, 8, 9}, {0, 0, 1}}));
  t.next(l);
  EXPECT_EQ(l[0][0], 1);
}

TEST(RoutingTrace, BadRowsNameFileAndLine) {
  testing::TempDir dir;
  auto expect_error = [&](const std::string& body, const std::string& needle) {
    const auto p = dir.write("bad.csv", "micro_batch,layer,e0,e1\n" + body);
    try {
      RoutingTrace t(p, 2, 2);
      FAIL() << "accepted: " << body;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error("0,0,1\n", "bad.csv:2: expected 4 columns");
  expect_error("0,0,1,x\n", "bad.csv:2: e1 'x' is not an integer");
  expect_error("0,0,1,-1\n", "bad.csv:2: e1 '-1' is out of range");
  expect_error("", "bad.csv: no data rows after the header");
  expect_error("0,0,1,1\n1,0,1,1\n", "bad.csv:3: expected micro_batch 0 layer 1");
  expect_error("0,0,1,1\n", "the last micro-batch has 1 layers, expected 2");
}

// Plausibility against the micro-batch (issue 20): 4 tokens x top-2 over 2 experts can put at
// most 4 tokens on one expert and 8 token-expert pairs on a layer.
TEST(RoutingTrace, CountsMustFitTokensTimesTopK) {
  testing::TempDir dir;
  const std::string head = "micro_batch,layer,e0,e1\n";
  const auto ok = dir.write("ok.csv", head + "0,0,4,4\n0,1,4,3\n");
  EXPECT_EQ(RoutingTrace(ok, 2, 2, 4, 2).micro_batches(), 1u);
  const auto hot = dir.write("hot.csv", head + "0,0,5,0\n0,1,4,3\n");
  EXPECT_THROW(RoutingTrace(hot, 2, 2, 4, 2), Error);
  EXPECT_EQ(RoutingTrace(hot, 2, 2).micro_batches(), 1u);  // unchecked without tokens
  const auto many = dir.write("many.csv", "micro_batch,layer,e0,e1,e2\n0,0,4,4,1\n");
  try {
    RoutingTrace t(many, 1, 3, 4, 2);
    FAIL() << "accepted 9 pairs for 4 tokens x top-2";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("many.csv:2: the row routes 9 token-expert pairs, more than 4 tokens x top-2 = 8"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace xpusim::workload
