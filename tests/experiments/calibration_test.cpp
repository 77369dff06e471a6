// `calibrate`: a "measured" run produced by xpusim itself with known engine factors must be
// recovered by fitting from no overhead; the measured-CSV reader and statistics.
#include "xpusim/experiments/calibration.hpp"

#include <gtest/gtest.h>

#include "workload/test_files.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/scenario/scenario_loader.hpp"
#include "xpusim/scenario/simulation.hpp"

namespace xpusim::experiments {
namespace {

using workload::testing::TempDir;

// One H100 serving Llama-3-8B under a load that builds batches of tens of sequences, so that
// fixed, per-sequence and GPU-proportional costs leave different marks on TTFT and TPOT.
const char* kScenario = R"(name: calibration_truth
seed: 7
hardware: {preset: h100-sxm}
model: {preset: llama-3-8b}
batching: {policy: vllm, max_num_seqs: 64, max_num_batched_tokens: 2048}
workload: {source: synthetic, rate_per_s: 12, num_requests: 300, prompt_mean: 600,
           prompt_cv: 0.8, output_mean: 160, output_cv: 0.8, output_max: 600}
)";
const char* kTruth = "engine: {fixed_us: 1500, gpu_time_scale: 1.3}\n";

TEST(Calibration, RecoversKnownEngineFactorsFromASyntheticRun) {
  TempDir dir;
  const auto catalogs = scenario::build_catalogs();
  const auto truth_file = dir.write("truth.yaml", std::string(kScenario) + kTruth);
  const auto truth = scenario::load_scenario(truth_file, {}, catalogs);
  scenario::RunOptions options;
  options.out_dir = dir.path() / "truth";
  std::filesystem::create_directories(options.out_dir);
  scenario::run_scenario(truth, catalogs, options);
  const auto measured = read_measured_csv(options.out_dir / "requests.csv");
  ASSERT_EQ(measured.size(), 300u);

  const auto base = scenario::load_scenario(dir.write("base.yaml", kScenario), {}, catalogs);
  ASSERT_FALSE(base.engine.has_value());
  const Replayer replayer(base, catalogs, measured, dir.path() / "work");
  CalibrationOptions o;
  o.max_evaluations = 80;
  const CalibrationResult r = calibrate(replayer, measured, o);
  // Without overhead the replay is clearly off; the fit closes the gap.
  EXPECT_GT(r.error_before, 0.01);
  EXPECT_LT(r.error_after, 1e-3);
  // The GPU factor within 5% and the fixed cost within 10% of the truth, from a start of 1.0
  // and 0 (the coarse grid's nearest points are 0.05 and 500 us away). The fixed cost is the
  // looser one: a few requests batched one iteration apart leave a noise floor in the
  // objective that a ~10% change of a 1.5 ms cost does not clear.
  EXPECT_NEAR(r.engine.gpu_time_scale, 1.3, 0.065);
  EXPECT_NEAR(r.engine.fixed_s * 1e6, 1500, 150);
  EXPECT_EQ(r.engine.per_seq_s, 0.0);  // not fitted by default
  EXPECT_NEAR(r.after.tpot.mean / r.measured.tpot.mean, 1.0, 0.02);
  EXPECT_NEAR(r.after.e2e.p99 / r.measured.e2e.p99, 1.0, 0.03);
}

TEST(Calibration, StatisticsAndErrorOnAHandMadeRun) {
  // TTFT 1..5 s: mean 3, p50 3, p99 = 4 + 0.96 = 4.96 (linear between order statistics).
  std::vector<MeasuredRequest> rs;
  for (int i = 1; i <= 5; ++i) rs.push_back({0.0, 10, 3, double(i), 0.1, double(i) + 1});
  const RunStats s = run_stats(rs);
  EXPECT_DOUBLE_EQ(s.ttft.mean, 3);
  EXPECT_DOUBLE_EQ(s.ttft.p50, 3);
  EXPECT_NEAR(s.ttft.p99, 4.96, 1e-12);
  EXPECT_NEAR(s.throughput_tok_s, 15.0 / 6.0, 1e-12);  // 15 tokens, last done at 6 s
  EXPECT_DOUBLE_EQ(calibration_error(s, s), 0.0);
  RunStats off = s;
  off.tpot = {0.2, 0.2, 0.2};  // TPOT twice as long: 3 of 9 terms at ln(2)^2
  EXPECT_NEAR(calibration_error(off, s), std::log(2.0) * std::log(2.0) / 3, 1e-12);
  EXPECT_DOUBLE_EQ(median_abs_relative_error(off, s), 0.0);
}

TEST(Calibration, MeasuredCsvErrorsNameFileLineAndColumn) {
  TempDir dir;
  const auto missing = dir.write("a.csv", "arrival_s,prompt_tokens,output_tokens,ttft_s\n1,2,3,4\n");
  try {
    read_measured_csv(missing);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("a.csv:1: no column 'tpot_s'"), std::string::npos);
  }
  const auto bad = dir.write("b.csv",
                             "arrival_s,prompt_tokens,output_tokens,ttft_s,tpot_s,e2e_s,x\n"
                             "0,10,5,0.1,0.02,0.2,y\n0.5,10,5,abc,0.02,0.2,y\n");
  try {
    read_measured_csv(bad);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("b.csv:3: column 'ttft_s': 'abc'"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace xpusim::experiments
