// Instance failures (configs/faults.yaml, docs/faults.md): conservation of requests under both
// failure policies, routing around a failed instance, and random failures that match their
// MTBF/MTTR.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "xpusim/scenario/scenario_loader.hpp"
#include "xpusim/scenario/simulation.hpp"

namespace xpusim::scenario {
namespace {

namespace fs = std::filesystem;

// The shipped scenario with only the scheduled failure (instance 0, 60 s to 180 s).
const std::vector<std::string> kScheduledOnly = {"faults.mtbf_s=0", "horizon_s=0"};

nlohmann::json run(std::vector<std::string> sets, const fs::path& out = {}) {
  const Catalogs catalogs = build_catalogs();
  const ScenarioSpec spec = load_scenario("configs/faults.yaml", sets, catalogs);
  RunOptions options;
  options.out_dir = out;
  return run_scenario(spec, catalogs, options).summary;
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(Faults, RequeueKeepsEveryRequestAndCostsLatency) {
  const auto faulty = run(kScheduledOnly);
  const auto healthy = run({"faults.mtbf_s=0", "horizon_s=0", "faults.schedule=[]"});
  const auto& f = faulty["faults"];
  EXPECT_EQ(f["failures"], 1);
  EXPECT_EQ(f["recoveries"], 1);
  EXPECT_DOUBLE_EQ(f["downtime_s_per_instance"][0].get<double>(), 120.0);
  EXPECT_GT(f["requeued_requests"].get<std::int64_t>(), 0);
  EXPECT_EQ(f["lost_requests"], 0);
  const auto& r = faulty["requests"];
  EXPECT_EQ(r["completed"], r["arrived"]);  // re-queued requests all finish elsewhere
  EXPECT_EQ(r["lost"], 0);
  EXPECT_EQ(r["unfinished"], 0);
  // Three instances carry four instances' load for two minutes, and re-queued requests restart:
  // the tail waits longer than without the failure.
  EXPECT_GT(faulty["ttft_s"]["p99"].get<double>(), healthy["ttft_s"]["p99"].get<double>());
  EXPECT_EQ(healthy["faults"]["failures"], 0);
}

TEST(Faults, LoseDropsExactlyWhatRequeueWouldHaveMoved) {
  const auto requeue = run(kScheduledOnly);
  const auto lose = run(with(kScheduledOnly, {"faults.on_failure=lose"}));
  // Up to the failure both runs are identical, so the same requests are held at that moment.
  const auto moved = requeue["faults"]["requeued_requests"].get<std::int64_t>();
  EXPECT_EQ(lose["faults"]["lost_requests"].get<std::int64_t>(), moved);
  EXPECT_EQ(lose["faults"]["requeued_requests"], 0);
  const auto& r = lose["requests"];
  EXPECT_EQ(r["lost"].get<std::int64_t>(), moved);
  EXPECT_EQ(r["completed"].get<std::int64_t>() + r["lost"].get<std::int64_t>(),
            r["arrived"].get<std::int64_t>());
}

TEST(Faults, RouterSendsNothingToAFailedInstance) {
  const fs::path dir = fs::temp_directory_path() / ("xpusim_faults_" + std::to_string(::getpid()));
  run(kScheduledOnly, dir);
  std::ifstream in(dir / "requests.csv");
  std::string line;
  std::getline(in, line);  // header: id,instance,tenant,prompt_tokens,output_tokens,arrival_s,...
  int during = 0, on_failed = 0, after_on_0 = 0;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string id, instance, tenant, prompt, output, arrival;
    std::getline(row, id, ',');
    std::getline(row, instance, ',');
    std::getline(row, tenant, ',');
    std::getline(row, prompt, ',');
    std::getline(row, output, ',');
    std::getline(row, arrival, ',');
    const double t = std::stod(arrival);
    if (t >= 60.0 && t < 180.0) {
      ++during;
      if (instance == "0") ++on_failed;
    }
    if (t >= 181.0 && instance == "0") ++after_on_0;
  }
  fs::remove_all(dir);
  EXPECT_GT(during, 1000);
  EXPECT_EQ(on_failed, 0) << "requests arriving while instance 0 was down were routed to it";
  EXPECT_GT(after_on_0, 0) << "the recovered instance never got work again";
}

// Random failures: each instance alternates exponential up (MTBF) and down (MTTR) periods, so
// its long-run availability is MTBF / (MTBF + MTTR) = 0.8 here. Over 4 instances x 4000 s
// (~640 cycles) the standard error of the measured availability is ~0.01; +-0.05 is a 5-sigma
// band that still fails if repairs or failures are drawn at the wrong rate (e.g. a rate/mean
// mix-up gives 0.2 or 0.99).
TEST(Faults, RandomFailuresMatchTheirMtbfAndMttr) {
  const auto s = run({"faults.mtbf_s=20", "faults.mttr_s=5", "horizon_s=4000", "faults.schedule=[]",
                      "workload.num_requests=500", "workload.rate_per_s=1"});
  const auto& f = s["faults"];
  EXPECT_NEAR(f["availability"].get<double>(), 0.8, 0.05);
  // Cycles per instance ~ 4000 / 25 = 160; all four together ~640.
  EXPECT_NEAR(f["failures"].get<double>(), 640, 640 * 0.15);
  const auto& r = s["requests"];
  EXPECT_EQ(r["completed"].get<std::int64_t>() + r["unfinished"].get<std::int64_t>(),
            r["arrived"].get<std::int64_t>());
  // Same seed, same failures; another seed, other failures.
  const auto again = run({"faults.mtbf_s=20", "faults.mttr_s=5", "horizon_s=4000", "faults.schedule=[]",
                          "workload.num_requests=500", "workload.rate_per_s=1"});
  EXPECT_EQ(again["faults"], f);
  const auto other = run({"faults.mtbf_s=20", "faults.mttr_s=5", "horizon_s=4000", "faults.schedule=[]",
                          "workload.num_requests=500", "workload.rate_per_s=1", "seed=8"});
  EXPECT_NE(other["faults"]["downtime_s"], f["downtime_s"]);
}

}  // namespace
}  // namespace xpusim::scenario

namespace xpusim::scenario {
namespace {

nlohmann::json run_disaggregated(const std::vector<std::string>& sets) {
  const Catalogs catalogs = build_catalogs();
  const ScenarioSpec spec = load_scenario("configs/disaggregation.yaml", sets, catalogs);
  return run_scenario(spec, catalogs, RunOptions{}).summary;
}

// A KV link failure (faults.links) on the prefill instance's NIC: hand-offs stall for its
// 10 s and resume; nothing is lost, but the transfers caught by it take seconds instead of
// milliseconds and the requests behind them finish later.
TEST(LinkFaults, KvTransfersStallWhileTheLinkIsDownAndNothingIsLost) {
  const auto healthy = run_disaggregated({});
  const auto faulty = run_disaggregated({"faults={links: [{host: prefill0, at_s: 20, duration_s: 10}]}"});
  EXPECT_EQ(faulty["faults"]["link_failures"], 1);
  EXPECT_DOUBLE_EQ(faulty["faults"]["link_downtime_s"].get<double>(), 10.0);
  EXPECT_EQ(faulty["faults"]["failures"], 0);  // no instance failed
  EXPECT_EQ(faulty["requests"]["completed"], healthy["requests"]["completed"]);
  EXPECT_EQ(faulty["kv_transfer"]["count"], healthy["kv_transfer"]["count"]);
  EXPECT_DOUBLE_EQ(faulty["kv_transfer"]["bytes"].get<double>(), healthy["kv_transfer"]["bytes"].get<double>());
  // ~30 requests arrive during the 10 s at 3/s, each waiting up to 10 s for its KV: the mean
  // transfer time over 300 requests rises by far more than the healthy few milliseconds.
  EXPECT_GT(faulty["kv_transfer"]["mean_time_s"].get<double>(),
            10 * healthy["kv_transfer"]["mean_time_s"].get<double>());
  EXPECT_GT(faulty["e2e_s"]["p99"].get<double>(), healthy["e2e_s"]["p99"].get<double>());
  EXPECT_FALSE(healthy.contains("faults"));
}

}  // namespace
}  // namespace xpusim::scenario

namespace xpusim::scenario {
namespace {

// Random link failures (faults.link_mtbf_s / link_mttr_s) on both NICs of the disaggregated
// pair: each link is up a fraction MTBF / (MTBF + MTTR) of the time, so over a 600 s horizon
// with MTBF 20 s and MTTR 5 s the two links fail about 2 x 600 / 25 = 48 times and are down
// about 2 x 600 x 5 / 25 = 240 s in all. Nothing is lost (transfers stall, then resume).
TEST(LinkFaults, RandomLinkFailuresMatchTheirMtbfAndMttr) {
  const std::vector<std::string> sets = {"horizon_s=600", "workload.num_requests=600",
                                         "workload.rate_per_s=1", "faults.link_mtbf_s=20",
                                         "faults.link_mttr_s=5"};
  const auto s = run_disaggregated(sets);
  const auto& f = s["faults"];
  EXPECT_NEAR(f["link_failures"].get<double>(), 48, 48 * 0.35);
  EXPECT_NEAR(f["link_downtime_s"].get<double>(), 240, 240 * 0.35);
  EXPECT_EQ(f["failures"], 0);
  EXPECT_EQ(s["requests"]["lost"], 0);
  EXPECT_EQ(run_disaggregated(sets)["faults"], f);  // same seed, same failures
}

TEST(LinkFaults, RandomLinkFailuresNeedALinkAndAHorizon) {
  const Catalogs catalogs = build_catalogs();
  auto message = [&](const std::string& config, const std::vector<std::string>& sets) {
    try {
      load_scenario(config, sets, catalogs);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message("configs/faults.yaml", {"faults.link_mtbf_s=10"}).find("faults.link_mtbf_s"),
            std::string::npos);  // co-located without migration: no KV links
  EXPECT_NE(message("configs/disaggregation.yaml", {"faults.link_mtbf_s=10"}).find("horizon_s"),
            std::string::npos);
}

}  // namespace
}  // namespace xpusim::scenario
