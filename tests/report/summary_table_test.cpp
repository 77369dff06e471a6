#include "xpusim/report/summary_table.hpp"

#include <gtest/gtest.h>

namespace xpusim::report {
namespace {

using nlohmann::json;

TEST(SummaryTable, ServingRowsOnlyForServingKeys) {
  // An MoE summary also has `throughput`, but without the serving fields: no request row.
  const json moe = {{"steps", 8},
                    {"step_time_s", {{"mean", 0.5}, {"p99", 0.6}}},
                    {"ideal_step_time_s", 0.4},
                    {"imbalance", {{"mean", 1.25}, {"max", 1.5}}},
                    {"time_lost_to_imbalance_s", 0.8},
                    {"throughput", {{"tokens_per_s", 1000.0}, {"fraction_of_ideal", 0.8}}}};
  const std::string t = format_summary_table(moe);
  EXPECT_EQ(t.find("req/s"), std::string::npos) << t;
  EXPECT_NE(t.find("step time mean 500.0 ms, p99 600.0 ms   ideal 400.0 ms"), std::string::npos) << t;
  EXPECT_NE(t.find("mean 1.250, max 1.500"), std::string::npos) << t;
  EXPECT_NE(t.find("1000 tok/s   80.0% of ideal"), std::string::npos) << t;
}

TEST(SummaryTable, SocRowsPerFlowClass) {
  const json soc = {
      {"reactive", {{"turns_completed", 3}, {"ttft_s", {{"mean", 0.1}, {"p99", 0.2}}}, {"e2e_s", {{"mean", 1.5}}}, {"tokens_per_s", 2.5}}},
      {"proactive", {{"turns_completed", 7}, {"tokens_per_s", 12.0}}},
      {"igpu_busy_fraction", 0.5}};
  const std::string t = format_summary_table(soc);
  EXPECT_NE(t.find("reactive     3 turns   TTFT mean 100.0 ms, p99 200.0 ms   E2E mean 1500.0 ms   2.50 tok/s"),
            std::string::npos) << t;
  EXPECT_NE(t.find("proactive    7 turns   TTFT mean - ms"), std::string::npos) << t;
  EXPECT_NE(t.find("iGPU busy    50.0%"), std::string::npos) << t;
}

TEST(SummaryTable, SessionsLineOnlyWithSessions) {
  const json with = {{"sessions", {{"sessions", 5}, {"complete", 4}, {"jct_s", {{"mean", 91.5}, {"p50", 90.0}, {"p99", 170.25}}}}}};
  const std::string t = format_summary_table(with);
  EXPECT_NE(t.find("sessions     complete 4 of 5   JCT mean 91.500 s, p50 90.000 s, p99 170.250 s"),
            std::string::npos) << t;
  EXPECT_EQ(format_summary_table(json::object()).find("sessions"), std::string::npos);
}

TEST(SummaryTable, MoeLineOnlyWithExpertParallelServing) {
  const json with = {{"moe",
                      {{"expert_parallel", 8},
                       {"placement", "eplb"},
                       {"imbalance", {{"mean", 1.25}, {"p99", 2.5}}},
                       {"all_to_all_share", 0.125},
                       {"rebalances", 3},
                       {"weight_moves", {{"bytes", 1.5e9}, {"exposed_s", 0.01}}}}}};
  const std::string t = format_summary_table(with);
  EXPECT_NE(t.find("moe          EP 8 eplb   imbalance mean 1.250, p99 2.500   all-to-all 12.5% of "
                   "time   rebalances 3 (1.50 GB moved)"),
            std::string::npos)
      << t;
  EXPECT_EQ(format_summary_table(json::object()).find("moe"), std::string::npos);
}

TEST(SummaryTable, OffloadLineOnlyWithOffloadedServing) {
  const json with = {{"offload",
                      {{"policy", "hybrimoe"},
                       {"experts", {{"cache_hit_rate", 0.375}, {"cpu_share", 0.5},
                                    {"fetched_on_demand", 12}}},
                       {"fetched_bytes", 2.5e9},
                       {"routed_expert_share", 0.25}}}};
  const std::string t = format_summary_table(with);
  EXPECT_NE(t.find("offload      hybrimoe   cache hit 37.5%   on CPU 50.0%   fetched 12 (2.50 GB)"
                   "   routed experts 25.0% of time"),
            std::string::npos)
      << t;
  EXPECT_EQ(format_summary_table(json::object()).find("offload"), std::string::npos);
}

}  // namespace
}  // namespace xpusim::report
