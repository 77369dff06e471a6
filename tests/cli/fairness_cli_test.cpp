// Fairness scenarios through the binary: byte-identical outputs with a noisy predictor, and
// bad fairness input reported with file, line and key.
#include <gtest/gtest.h>

#include <fstream>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;
using testing::run_xpusim;
using testing::slurp;

class FairnessCli : public ::testing::Test {
 protected:
  fs::path dir =
      fs::temp_directory_path() / ("xpusim_fair_cli_" + std::to_string(::getpid()) + "_" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
};

TEST_F(FairnessCli, NoisyEquinoxRunsAreByteIdenticalAndTheSeedMatters) {
  const std::string args =
      " --set fairness.policy=equinox --set fairness.predictor=noisy_oracle --set horizon_s=60"
      " --set workload.prompt_tokens=16-512 --set workload.output_tokens=16-512";
  for (const char* out : {"a", "b"})
    ASSERT_EQ(
        run_xpusim("-q run configs/fairness_on_off.yaml --out " + (dir / out).string() + args, dir)
            .exit_code,
        0);
  for (const char* f : {"summary.json", "requests.csv", "tenant_service.csv"}) {
    const std::string a = slurp(dir / "a" / f), b = slurp(dir / "b" / f);
    EXPECT_FALSE(a.empty()) << f;
    EXPECT_EQ(a, b) << f << " differs between identical runs";
  }
  ASSERT_EQ(run_xpusim("-q run configs/fairness_on_off.yaml --set seed=9 --out " +
                           (dir / "c").string() + args,
                       dir)
                .exit_code,
            0);
  EXPECT_NE(slurp(dir / "a" / "tenant_service.csv"), slurp(dir / "c" / "tenant_service.csv"));
}

TEST_F(FairnessCli, BadFairnessInputNamesFileLineAndKey) {
  std::ofstream(dir / "bad.yaml") << R"(hardware: {preset: l4}
model: {preset: llama-2-7b}
fairness: {policy: vtc, alpha: 0.5}
tenants: {weights: "1, x"}
workload: {source: tenant_mix, rates_per_s: "1, 2; 3", duration_s: 10}
)";
  const auto r = run_xpusim("validate " + (dir / "bad.yaml").string(), dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.yaml:3:25: key 'fairness.alpha': unknown key"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("key 'tenants.weights': 'x' is not a positive number"), std::string::npos)
      << r.err;
  EXPECT_NE(
      r.err.find("key 'workload.rates_per_s': every phase must list the same number of tenants"),
      std::string::npos)
      << r.err;
  const auto u =
      run_xpusim("validate " + (dir / "bad.yaml").string() + " --set fairness.policy=lottery", dir);
  EXPECT_NE(
      u.err.find("unknown fairness policy 'lottery' (expected one of: equinox fcfs rpm_limit vtc)"),
      std::string::npos)
      << u.err;
}

}  // namespace
}  // namespace xpusim::cli
