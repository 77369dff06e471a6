// The fairness policies against each other on the VTC paper's synthetic cases
// (configs/fairness_*.yaml): the directions their papers claim must hold in the simulator.
#include <gtest/gtest.h>

#include "xpusim/scenario/scenario_loader.hpp"
#include "xpusim/scenario/simulation.hpp"

namespace xpusim::scenario {
namespace {

nlohmann::json run(const std::string& config, const std::string& policy,
                   std::vector<std::string> sets = {}) {
  const Catalogs catalogs = build_catalogs();
  sets.push_back("fairness.policy=" + policy);
  const ScenarioSpec spec = load_scenario(config, sets, catalogs);
  return run_scenario(spec, catalogs, RunOptions{}).summary;
}

double gap(const nlohmann::json& s) { return s["fairness"]["max_cumulative_gap"].get<double>(); }
double output_rate(const nlohmann::json& s) {
  return s["throughput"]["output_tokens_per_s"].get<double>();
}

// VTC's bound: 2 max(w_p * L_input, w_q * M), M = 10000 KV tokens, w_q = 2: 40000.
constexpr double kVtcBound = 2 * 2 * 10000.0;

// VTC Fig. 3: under constant overload FCFS serves tenants in proportion to their rates (the
// accumulated gap grows without bound) while VTC keeps it bounded and stays work-conserving.
TEST(FairnessComparison, OverloadVtcBoundsTheServiceGapWhereFcfsDiverges) {
  const auto fcfs = run("configs/fairness_overload.yaml", "fcfs");
  const auto vtc = run("configs/fairness_overload.yaml", "vtc");
  const auto equinox = run("configs/fairness_overload.yaml", "equinox");
  EXPECT_GT(gap(fcfs), 2 * kVtcBound) << "fcfs gap " << gap(fcfs);
  EXPECT_LT(gap(vtc), kVtcBound) << "vtc gap " << gap(vtc);
  EXPECT_LT(gap(equinox), kVtcBound) << "equinox gap " << gap(equinox);
  EXPECT_NEAR(output_rate(vtc), output_rate(fcfs), 0.03 * output_rate(fcfs)) << "work-conserving";
  EXPECT_GT(vtc["fairness"]["jain_index"].get<double>(), 0.99);
  EXPECT_LT(fcfs["fairness"]["jain_index"].get<double>(), 0.95);
}

// VTC §5: RPM limiting is fair only by refusing work, so it loses throughput.
TEST(FairnessComparison, OverloadRpmLimitWastesCapacity) {
  const auto vtc = run("configs/fairness_overload.yaml", "vtc");
  const auto rpm = run("configs/fairness_overload.yaml", "rpm_limit");
  EXPECT_LT(output_rate(rpm), 0.8 * output_rate(vtc))
      << "rpm " << output_rate(rpm) << " vs vtc " << output_rate(vtc);
  EXPECT_GT(rpm["tenants"]["t1"]["rejected"].get<std::int64_t>(), 0);
}

// VTC Fig. 5: a tenant returning from an off period is lifted, not credited for its idle
// time: the gap stays bounded while FCFS lets the steady tenant pull away.
TEST(FairnessComparison, OnOffVtcKeepsTheReturningTenantWithinTheBound) {
  const auto fcfs = run("configs/fairness_on_off.yaml", "fcfs");
  const auto vtc = run("configs/fairness_on_off.yaml", "vtc");
  EXPECT_GT(gap(fcfs), 2 * kVtcBound);
  EXPECT_LT(gap(vtc), kVtcBound);
}

// VTC §5.2: least-counter-first without the lift (LCF) lets the returning tenant claim its
// idle time and starve the other for a while: per-window gaps grow far beyond VTC's.
TEST(FairnessComparison, OnOffLcfStarvesTheSteadyTenantWhereVtcDoesNot) {
  const auto vtc = run("configs/fairness_on_off.yaml", "vtc");
  const auto lcf = run("configs/fairness_on_off.yaml", "vtc", {"fairness.lift=false"});
  EXPECT_GT(lcf["fairness"]["max_service_gap"].get<double>(),
            3 * vtc["fairness"]["max_service_gap"].get<double>());
  EXPECT_LT(lcf["fairness"]["jain_backlogged_mean"].get<double>(),
            0.9 * vtc["fairness"]["jain_backlogged_mean"].get<double>());
}

// Equinox's claim of higher fairness than VTC, measured as Jain's index over windows in
// which both tenants were backlogged (docs/reproductions/fairness.md).
TEST(FairnessComparison, OverloadEquinoxIsFairerPerWindowThanVtc) {
  const auto vtc = run("configs/fairness_overload.yaml", "vtc");
  const auto equinox = run("configs/fairness_overload.yaml", "equinox");
  EXPECT_GT(equinox["fairness"]["jain_backlogged_mean"].get<double>(),
            1.1 * vtc["fairness"]["jain_backlogged_mean"].get<double>());
}

// Weighted VTC on a replayed trace: the tenant with weight 3 receives about three times the
// service of the others (weight-normalised service near equal) once all are backlogged. The
// 50-row sample is compressed into a burst and cut off while every tenant still waits.
TEST(FairnessComparison, TraceWeightsShareServiceUnderVtc) {
  const std::vector<std::string> burst = {"workload.time_scale=0.001", "horizon_s=10"};
  const auto fcfs = run("configs/fairness_trace.yaml", "fcfs", burst);
  const auto vtc = run("configs/fairness_trace.yaml", "vtc", burst);
  auto t3_share = [](const nlohmann::json& s) {
    double raw = 0, t3 = 0;
    for (const auto& [name, t] : s["tenants"].items()) {
      const double served = t["service"].get<double>() * (name == "t3" ? 3 : 1);  // un-normalise
      raw += served;
      if (name == "t3") t3 = served;
    }
    return t3 / raw;
  };
  EXPECT_GT(t3_share(vtc), 1.5 * t3_share(fcfs))
      << "vtc " << t3_share(vtc) << " fcfs " << t3_share(fcfs);
  EXPECT_GT(vtc["fairness"]["jain_index"].get<double>(),
            fcfs["fairness"]["jain_index"].get<double>());
}

}  // namespace
}  // namespace xpusim::scenario

namespace xpusim::scenario {
namespace {

nlohmann::json run_with(const std::string& config, std::vector<std::string> sets) {
  const Catalogs catalogs = build_catalogs();
  const ScenarioSpec spec = load_scenario(config, sets, catalogs);
  return run_scenario(spec, catalogs, RunOptions{}).summary;
}

// Equinox (arXiv 2508.16646) claims up to 1.3x the throughput of VTC and 60% lower TTFT. Stated
// point: configs/fairness_overload.yaml, outputs 16-1024 tokens, 0.13 + 0.26 requests/s for
// 300 s, every arrival served. Baseline: VTC with its artifact's admission (prompt + max output
// reserved per request = Orca's max reservation of 1280 tokens). Measured: 1.21x, -42% median
// TTFT (docs/reproductions/fairness.md).
TEST(FairnessComparison, EquinoxOutservesVtcWithItsArtifactsAdmission) {
  const std::vector<std::string> point = {"horizon_s=0", "workload.duration_s=300",
                                          "workload.output_tokens=16-1024",
                                          "workload.rates_per_s=0.13, 0.26"};
  auto vtc_sets = point;
  for (const char* s : {"fairness.policy=vtc", "batching.policy=orca", "batching.max_seq_len=1280"})
    vtc_sets.emplace_back(s);
  auto eq_sets = point;
  for (const char* s : {"fairness.policy=equinox", "fairness.latency_weight=10", "batching.policy=equinox"})
    eq_sets.emplace_back(s);
  const auto vtc = run_with("configs/fairness_overload.yaml", vtc_sets);
  const auto eq = run_with("configs/fairness_overload.yaml", eq_sets);
  ASSERT_EQ(vtc["requests"]["completed"], vtc["requests"]["arrived"]);
  ASSERT_EQ(eq["requests"]["completed"], eq["requests"]["arrived"]);
  EXPECT_GT(output_rate(eq), 1.1 * output_rate(vtc));
  EXPECT_LT(eq["ttft_s"]["p50"].get<double>(), 0.8 * vtc["ttft_s"]["p50"].get<double>());
  EXPECT_LT(eq["ttft_s"]["p99"].get<double>(), vtc["ttft_s"]["p99"].get<double>());
  EXPECT_EQ(eq["requests"]["preempted"].get<std::int64_t>(), 0) << "the KV target holds";
}

// The same point with predicted instead of true output lengths (fairness and batching
// predictors noisy_oracle, CV 1: a poor predictor; docs/fairness.md). Prediction error costs
// Equinox fairness per window and median TTFT but not its throughput lead over the artifact's
// admission. Measured: 114.9 vs 96.4 output tokens/s (1.19x; oracle 1.21x), per-window Jain
// 0.861 vs the oracle's 0.958.
TEST(FairnessComparison, EquinoxWithPoorPredictionsStillOutservesVtcsArtifact) {
  const std::vector<std::string> point = {"horizon_s=0", "workload.duration_s=300",
                                          "workload.output_tokens=16-1024",
                                          "workload.rates_per_s=0.13, 0.26"};
  auto vtc_sets = point;
  for (const char* s : {"fairness.policy=vtc", "batching.policy=orca", "batching.max_seq_len=1280"})
    vtc_sets.emplace_back(s);
  auto eq_sets = point;
  for (const char* s : {"fairness.policy=equinox", "fairness.latency_weight=10", "batching.policy=equinox"})
    eq_sets.emplace_back(s);
  auto noisy_sets = eq_sets;
  for (const char* s : {"fairness.predictor=noisy_oracle", "fairness.noise_cv=1",
                        "batching.predictor=noisy_oracle", "batching.noise_cv=1"})
    noisy_sets.emplace_back(s);
  const auto vtc = run_with("configs/fairness_overload.yaml", vtc_sets);
  const auto eq = run_with("configs/fairness_overload.yaml", eq_sets);
  const auto noisy = run_with("configs/fairness_overload.yaml", noisy_sets);
  ASSERT_EQ(noisy["requests"]["completed"], noisy["requests"]["arrived"]);
  EXPECT_GT(output_rate(noisy), 1.1 * output_rate(vtc));
  EXPECT_LT(output_rate(noisy), output_rate(eq)) << "prediction error costs some throughput";
  EXPECT_LT(noisy["fairness"]["jain_backlogged_mean"].get<double>(),
            eq["fairness"]["jain_backlogged_mean"].get<double>() - 0.05);
}

// FastSwitch (arXiv 2411.18424) claims lower tail TTFT and TBT than vLLM's swap under a
// fairness scheduler. Stated point: configs/fairness_fastswitch.yaml as shipped (VTC, swap
// preemption, 0.2 + 0.4 requests/s). Measured: stall 6.5 s -> 0, p99 TBT 1.17x, p99 TTFT 1.03x.
TEST(FairnessComparison, FastSwitchCutsSwapStallsAndTailLatencyUnderVtc) {
  const auto vllm = run_with("configs/fairness_fastswitch.yaml", {});
  const std::vector<std::string> groups_overlap = {"instance.swap_block_group=16",
                                                   "instance.swap_overlap=true"};
  auto fast_sets = groups_overlap;
  fast_sets.emplace_back("instance.swap_reuse=true");
  const auto overlap = run_with("configs/fairness_fastswitch.yaml", groups_overlap);
  const auto fast = run_with("configs/fairness_fastswitch.yaml", fast_sets);
  EXPECT_GT(vllm["context_switch"]["stall_s"].get<double>(), 1.0);
  EXPECT_EQ(fast["context_switch"]["stall_s"].get<double>(), 0.0) << "hidden behind compute";
  EXPECT_LT(fast["tbt_s"]["p99"].get<double>(), vllm["tbt_s"]["p99"].get<double>());
  EXPECT_LT(fast["ttft_s"]["p99"].get<double>(), vllm["ttft_s"]["p99"].get<double>());
  // Reuse moves fewer bytes than the same run copying whole sequences.
  EXPECT_LT(fast["context_switch"]["bytes"].get<double>(),
            0.9 * overlap["context_switch"]["bytes"].get<double>());
}

// FastSwitch under fairness-driven preemption, its paper's setting: priorities re-computed every
// 100 iterations from VTC's counters, and running requests of the tenant that sank swapped out
// for the other's (vLLM's priority scheduling). Stated point: configs/fairness_fastswitch_preempt.yaml
// (0.2 + 0.4 requests/s, 150 s of arrivals, every arrival served). Claim: FastSwitch's
// mechanisms (block groups, overlapped swaps, reuse) lower tail TBT against vLLM's swap.
TEST(FairnessComparison, FastSwitchCutsTailTbtUnderFairnessDrivenPreemption) {
  const std::string config = "configs/fairness_fastswitch_preempt.yaml";
  const std::vector<std::string> shorter = {"workload.duration_s=150"};
  auto memory_sets = shorter, fast_sets = shorter;
  memory_sets.insert(memory_sets.end(),
                     {"instance.preempt_for_priority=false", "instance.reprioritize_every=0"});
  fast_sets.insert(fast_sets.end(), {"instance.swap_block_group=16", "instance.swap_overlap=true",
                                     "instance.swap_reuse=true"});
  const auto memory = run_with(config, memory_sets);
  const auto vllm = run_with(config, shorter);
  const auto fast = run_with(config, fast_sets);
  const auto preempted = [](const nlohmann::json& s) {
    return s["requests"]["preempted"].get<double>();
  };
  // The scheduler, not memory, causes most context switches.
  EXPECT_GT(preempted(vllm), 2 * preempted(memory));
  EXPECT_EQ(vllm["requests"]["completed"], vllm["requests"]["arrived"]);
  EXPECT_GT(vllm["context_switch"]["stall_s"].get<double>(),
            2 * memory["context_switch"]["stall_s"].get<double>());
  EXPECT_EQ(fast["context_switch"]["stall_s"].get<double>(), 0.0) << "hidden behind compute";
  EXPECT_LT(fast["tbt_s"]["p99"].get<double>(), vllm["tbt_s"]["p99"].get<double>());
}

}  // namespace
}  // namespace xpusim::scenario
