#include "xpusim/report/serving_metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "xpusim/core/error.hpp"
#include "xpusim/report/summary_table.hpp"

namespace xpusim::report {
namespace {

using systems::RequestOutcome;
using systems::RequestRecord;

constexpr TimeNs kMs = kNsPerMs;

RequestRecord completed(std::uint64_t id, int prompt, int output, TimeNs arrival, TimeNs sched,
                        TimeNs first, TimeNs finish) {
  RequestRecord r;
  r.id = id;
  r.instance = static_cast<int>(id % 2);
  r.prompt_tokens = prompt;
  r.output_tokens = output;
  r.arrival_ns = arrival;
  r.first_scheduled_ns = sched;
  r.first_token_ns = first;
  r.finish_ns = finish;
  return r;
}

// Scenario SLOs: TTFT 1 s, TPOT 100 ms. Six arrivals, four completions, one rejection, one
// request still running at the end (makespan 10 s).
//   r0: TTFT 0.8, TPOT 1.0/10 = 0.1            -> meets both (bounds are inclusive)
//   r1: TTFT 1.5 (own TTFT SLO 2 s), TPOT 0.1   -> meets (its own SLO overrides)
//   r2: TTFT 0.2, TPOT 2.0/10 = 0.2             -> misses TPOT
//   r3: one output token, TTFT 0.5, no TPOT     -> meets
//   r4: rejected                                 -> misses
void feed(ServingMetrics& m) {
  workload::Request req;
  for (int i = 0; i < 6; ++i) m.on_arrival(req, 0);
  m.on_request_done(completed(0, 100, 11, 0, 500 * kMs, 800 * kMs, 1800 * kMs));
  RequestRecord r1 = completed(1, 200, 6, 1000 * kMs, 1100 * kMs, 2500 * kMs, 3000 * kMs);
  r1.ttft_slo_s = 2.0;
  r1.preemptions = 1;
  m.on_request_done(r1);
  m.on_request_done(completed(2, 300, 11, 2000 * kMs, 2100 * kMs, 2200 * kMs, 4200 * kMs));
  m.on_request_done(completed(3, 400, 1, 3000 * kMs, 3200 * kMs, 3500 * kMs, 3500 * kMs));
  RequestRecord r4;
  r4.id = 4;
  r4.tenant = 1;
  r4.prompt_tokens = 50;
  r4.output_tokens = 10;
  r4.arrival_ns = 4000 * kMs;
  r4.outcome = RequestOutcome::Rejected;
  m.on_request_done(r4);
  m.on_token_gaps(100 * kMs, 10);
  m.on_token_gaps(20 * kMs, 5);
  m.on_token_gaps(200 * kMs, 5);
  m.on_preemption(1, 1, 1500 * kMs);
  m.on_preemption(1, 1, 1600 * kMs);
  m.on_iteration(0, 0, 10 * kMs, 1, 100);
  m.on_iteration(0, 10 * kMs, 30 * kMs, 2, 0);
  m.on_iteration(1, 0, 30 * kMs, 0, 200);
}

TEST(ServingMetrics, LatenciesGoodputAndCounters) {
  ServingMetrics m(SloTargets{1.0, 0.1}, {"alice", "bob,inc"});
  feed(m);
  const auto j = m.summary(10 * kNsPerS);
  EXPECT_DOUBLE_EQ(j["ttft_s"]["mean"].get<double>(), (0.8 + 1.5 + 0.2 + 0.5) / 4);
  EXPECT_DOUBLE_EQ(j["ttft_s"]["p50"].get<double>(), 0.5);  // rank 2 of {0.2, 0.5, 0.8, 1.5}
  EXPECT_DOUBLE_EQ(j["ttft_s"]["p90"].get<double>(), 1.5);
  EXPECT_EQ(j["ttft_s"]["count"], 4);
  EXPECT_EQ(j["tpot_s"]["count"], 3);  // r3 has a single token
  EXPECT_NEAR(j["tpot_s"]["p50"].get<double>(), 0.1, 1e-12);
  EXPECT_NEAR(j["tpot_s"]["max"].get<double>(), 0.2, 1e-12);
  EXPECT_NEAR(j["e2e_s"]["max"].get<double>(), 2.2, 1e-12);
  // Scheduling delay (first scheduled - arrival): r0 0.5, r1 0.1, r2 0.1, r3 0.2; the rejected
  // request has none.
  EXPECT_EQ(j["scheduling_delay_s"]["count"], 4);
  EXPECT_NEAR(j["scheduling_delay_s"]["mean"].get<double>(), (0.5 + 0.1 + 0.1 + 0.2) / 4, 1e-12);
  EXPECT_NEAR(j["scheduling_delay_s"]["p50"].get<double>(), 0.1, 1e-12);  // rank 2 of 4
  EXPECT_NEAR(j["scheduling_delay_s"]["max"].get<double>(), 0.5, 1e-12);
  // TBT: 10 gaps of 100 ms, 5 of 20 ms, 5 of 200 ms; p50 is rank 10 -> 100 ms.
  EXPECT_NEAR(j["tbt_s"]["p50"].get<double>(), 0.1, 0.1 * LogHistogram::kMaxRelativeError);
  EXPECT_NEAR(j["tbt_s"]["mean"].get<double>(), (1.0 + 0.1 + 1.0) / 20, 1e-12);
  EXPECT_EQ(j["tbt_s"]["count"], 20);
  EXPECT_EQ(j["requests"]["arrived"], 6);
  EXPECT_EQ(j["requests"]["completed"], 4);
  EXPECT_EQ(j["requests"]["rejected"], 1);
  EXPECT_EQ(j["requests"]["preempted"], 2);
  EXPECT_EQ(m.input_tokens(), 1000);
  EXPECT_EQ(m.output_tokens(), 29);
  EXPECT_DOUBLE_EQ(j["throughput"]["requests_per_s"].get<double>(), 0.4);
  EXPECT_DOUBLE_EQ(j["throughput"]["output_tokens_per_s"].get<double>(), 2.9);
  EXPECT_EQ(j["goodput"]["requests"], 3);
  EXPECT_DOUBLE_EQ(j["goodput"]["fraction"].get<double>(), 0.5);  // 3 of 6 arrived
  EXPECT_DOUBLE_EQ(j["goodput"]["requests_per_s"].get<double>(), 0.3);
  EXPECT_DOUBLE_EQ(j["goodput"]["slo_ttft_s"].get<double>(), 1.0);
  EXPECT_EQ(j["iterations"]["count"], 3);
  EXPECT_NEAR(j["iterations"]["mean_s"].get<double>(), 0.02, 1e-15);
}

TEST(ServingMetrics, NoSloMeansEveryCompletedRequestIsGood) {
  ServingMetrics m(SloTargets{}, {});
  feed(m);
  const auto j = m.summary(0);
  EXPECT_EQ(j["goodput"]["requests"], 4);  // r1's own TTFT SLO of 2 s is met too
  EXPECT_TRUE(j["goodput"]["slo_ttft_s"].is_null());
  EXPECT_TRUE(j["throughput"]["requests_per_s"].is_null());  // zero makespan
}

TEST(ServingMetrics, EmptyRunHasNulls) {
  ServingMetrics m(SloTargets{1.0, 0.1}, {});
  const auto j = m.summary(kNsPerS);
  EXPECT_TRUE(j["ttft_s"]["p99"].is_null());
  EXPECT_TRUE(j["tbt_s"]["mean"].is_null());
  EXPECT_TRUE(j["goodput"]["fraction"].is_null());
  EXPECT_TRUE(j["iterations"]["mean_s"].is_null());
  EXPECT_EQ(j["requests"]["completed"], 0);
}

TEST(ServingMetrics, RequestsCsvRows) {
  std::ostringstream csv;
  ServingMetrics m(SloTargets{1.0, 0.1}, {"alice", "bob,inc"}, &csv);
  feed(m);
  std::istringstream lines(csv.str());
  std::string header, row0, row1, row2, row3, row4, extra;
  std::getline(lines, header);
  std::getline(lines, row0);
  std::getline(lines, row1);
  std::getline(lines, row2);
  std::getline(lines, row3);
  std::getline(lines, row4);
  EXPECT_FALSE(std::getline(lines, extra));
  EXPECT_EQ(header, ServingMetrics::csv_header());
  EXPECT_EQ(row0,
            "0,0,alice,100,11,0.000000000,0.500000000,0.800000000,1.800000000,0.800000000,"
            "0.100000000,1.800000000,0,completed,1");
  EXPECT_EQ(row1,
            "1,1,alice,200,6,1.000000000,1.100000000,2.500000000,3.000000000,1.500000000,"
            "0.100000000,2.000000000,1,completed,1");
  EXPECT_EQ(row2.substr(row2.size() - 13), "0,completed,0");
  EXPECT_EQ(row3,
            "3,1,alice,400,1,3.000000000,3.200000000,3.500000000,3.500000000,0.500000000,,"
            "0.500000000,0,completed,1");
  EXPECT_EQ(row4, "4,-1,\"bob,inc\",50,10,4.000000000,,,,,,,0,rejected,0");
}

TEST(ServingMetrics, IdenticalInputsGiveIdenticalBytes) {
  auto run = [] {
    std::ostringstream csv;
    ServingMetrics m(SloTargets{1.0, 0.1}, {"alice"}, &csv);
    feed(m);
    return csv.str() + m.summary(10 * kNsPerS).dump(2);
  };
  EXPECT_EQ(run(), run());
}

TEST(SummaryTable, ShowsEverySectionAndDashesForNulls) {
  ServingMetrics m(SloTargets{1.0, 0.1}, {});
  feed(m);
  nlohmann::json s = m.summary(10 * kNsPerS);
  s["energy"] = {{"total_j", 2620.0}, {"j_per_output_token", nullptr}};
  s["utilization"] = {{"inst0.gpu0", 0.3}, {"inst0.gpu1", 0.6}};
  const std::string t = format_summary_table(s);
  EXPECT_NE(t.find("completed 4"), std::string::npos) << t;
  EXPECT_NE(t.find("0.400 req/s"), std::string::npos) << t;
  EXPECT_NE(t.find("  TTFT"), std::string::npos) << t;
  EXPECT_NE(t.find("500.000"), std::string::npos) << t;  // TTFT p50 in ms
  EXPECT_NE(t.find("50.00% of requests"), std::string::npos) << t;
  EXPECT_NE(t.find("2620.0 J   - J/output token"), std::string::npos) << t;
  EXPECT_NE(t.find("inst0.gpu1 60.0%"), std::string::npos) << t;
  EXPECT_LE(std::count(t.begin(), t.end(), '\n'), 24);  // one screen
}

TEST(SummaryTable, ManyDevicesAreSummarised) {
  nlohmann::json s;
  for (int i = 0; i < 20; ++i) s["utilization"]["gpu" + std::to_string(i)] = i / 20.0;
  const std::string t = format_summary_table(s);
  EXPECT_NE(t.find("20 devices: mean 47.5%  min 0.0%  max 95.0%"), std::string::npos) << t;
  EXPECT_EQ(t.find("gpu3"), std::string::npos) << t;
}

}  // namespace
}  // namespace xpusim::report

namespace xpusim::report {
namespace {

// Invariant (docs/invariants.md): arrival <= first scheduled <= first token <= finish.
TEST(ServingMetricsInvariant, OutOfOrderTimestampsAreAnInvariantViolation) {
  if constexpr (!kXpusimInvariants) GTEST_SKIP() << "invariant checks are off in this build";
  ServingMetrics m(SloTargets{}, {"t0"}, nullptr);
  workload::Request req;
  m.on_arrival(req, 0);
  m.on_request_done(completed(0, 10, 5, 0, 1 * kMs, 2 * kMs, 3 * kMs));  // ordered: fine
  EXPECT_THROW(m.on_request_done(completed(1, 10, 5, 5 * kMs, 4 * kMs, 6 * kMs, 7 * kMs)),
               InvariantError);  // scheduled before it arrived
  EXPECT_THROW(m.on_request_done(completed(2, 10, 5, 0, 3 * kMs, 2 * kMs, 7 * kMs)),
               InvariantError);  // first token before first scheduled
  EXPECT_THROW(m.on_request_done(completed(3, 10, 5, 0, 1 * kMs, 8 * kMs, 7 * kMs)),
               InvariantError);  // first token after finish
}

// Completed requests with priority > 0 get their own latencies; runs without any have no block.
// r0 (priority 1): TTFT 0.8, TPOT 0.1, E2E 1.8; r2 (priority 2): TTFT 0.2, TPOT 0.2, E2E 2.2.
TEST(ServingMetrics, HighPriorityBlockOnlyWithPriorities) {
  ServingMetrics plain(SloTargets{}, {});
  feed(plain);
  EXPECT_FALSE(plain.summary(10 * kNsPerS).contains("high_priority"));
  ServingMetrics m(SloTargets{}, {});
  RequestRecord r0 = completed(0, 100, 11, 0, 500 * kMs, 800 * kMs, 1800 * kMs);
  r0.priority = 1;
  RequestRecord r2 = completed(2, 300, 11, 2000 * kMs, 2100 * kMs, 2200 * kMs, 4200 * kMs);
  r2.priority = 2;
  m.on_request_done(r0);
  m.on_request_done(completed(1, 200, 6, 1000 * kMs, 1100 * kMs, 2500 * kMs, 3000 * kMs));
  m.on_request_done(r2);
  const auto j = m.summary(10 * kNsPerS)["high_priority"];
  EXPECT_EQ(j["completed"], 2);
  EXPECT_EQ(j["ttft_s"]["count"], 2);
  EXPECT_NEAR(j["ttft_s"]["mean"].get<double>(), (0.8 + 0.2) / 2, 1e-12);
  EXPECT_NEAR(j["tpot_s"]["max"].get<double>(), 0.2, 1e-12);
  EXPECT_NEAR(j["e2e_s"]["mean"].get<double>(), (1.8 + 2.2) / 2, 1e-12);
}

}  // namespace
}  // namespace xpusim::report
