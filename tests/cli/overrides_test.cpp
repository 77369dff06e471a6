// Overrides and composition through the real binary: a policy switched by --set drops the old
// policy's keys, `section=NAME`, --unset, section presets (workload, batching, cluster, slo),
// and -m --set KEY=a,b,c grids.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <fstream>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;
using testing::csv_rows;
using testing::run_xpusim;
using testing::slurp;

class Overrides : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() /
                 ("xpusim_ovr_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::string quickstart = (fs::path(XPUSIM_SOURCE_DIR) / "configs/quickstart.yaml").string();
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }

  // Runs quickstart (40 requests) with `args` into dir/out_name; returns the outcome.
  testing::Outcome quick(const std::string& args, const std::string& out_name) {
    return run_xpusim("run " + quickstart + " --set workload.num_requests=40 " + args + " --out " +
                          (dir / out_name).string(), dir / "scratch");
  }
  nlohmann::json resolved(const std::string& out_name) {
    return nlohmann::json::parse(slurp(dir / out_name / "summary.json")).at("scenario");
  }
};

TEST_F(Overrides, SwitchingThePolicyDropsTheOldPolicysKeysWithANote) {
  const auto o = quick("--set batching.policy=sarathi", "switched");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.err.find("dropped batching.max_num_batched_tokens"), std::string::npos) << o.err;
  const auto b = resolved("switched").at("batching");
  EXPECT_EQ(b.at("policy"), "sarathi");
  EXPECT_FALSE(b.contains("max_num_batched_tokens"));
  EXPECT_EQ(b.at("max_num_seqs"), 256);  // a key both policies take is kept from the file
  // A key given on the command line is never dropped: it is an error for the new policy.
  const auto bad = quick("--set batching.policy=sarathi --set batching.max_num_batched_tokens=4096", "bad");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("key 'batching.max_num_batched_tokens': unknown key"), std::string::npos) << bad.err;
}

TEST_F(Overrides, AScalarSectionIsThatChoiceWithItsDefaults) {
  ASSERT_EQ(quick("--set batching=sarathi", "scalar").exit_code, 0);
  // The same as a file whose batching section names only the policy.
  std::string text = slurp(quickstart);
  const auto at = text.find("batching:");
  const auto end = text.find("\n\n", at);
  text.replace(at, end - at, "batching: {policy: sarathi}");
  std::ofstream(dir / "quickstart.yaml") << text;
  ASSERT_EQ(run_xpusim("-q run " + (dir / "quickstart.yaml").string() +
                           " --set workload.num_requests=40 --out " + (dir / "inline").string(),
                       dir / "scratch").exit_code, 0);
  EXPECT_EQ(slurp(dir / "scalar" / "summary.json"), slurp(dir / "inline" / "summary.json"));
  // hardware=NAME is hardware.preset=NAME.
  ASSERT_EQ(quick("--set hardware=a100-80gb", "a100").exit_code, 0);
  EXPECT_EQ(resolved("a100").at("hardware").at("name"), "a100-80gb");
}

TEST_F(Overrides, UnsetRemovesAKey) {
  // The router falls back to its default.
  ASSERT_EQ(quick("--unset cluster.router", "unset").exit_code, 0);
  EXPECT_EQ(resolved("unset").at("cluster.router").at("policy"), "round_robin");
  // A required key unset is reported as missing; an absent key cannot be unset.
  const auto missing = quick("--unset workload.source", "m");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("workload.source"), std::string::npos) << missing.err;
  const auto absent = quick("--unset batching.nope", "a");
  EXPECT_EQ(absent.exit_code, 1);
  EXPECT_NE(absent.err.find("--unset batching.nope"), std::string::npos) << absent.err;
  EXPECT_NE(absent.err.find("nothing to unset"), std::string::npos) << absent.err;
}

TEST_F(Overrides, UnsetWorksInValidateSweepAndRegressAsInRun) {
  // validate: the same keys are fine or missing as for run.
  EXPECT_EQ(run_xpusim("validate " + quickstart + " --unset cluster.router", dir / "s").exit_code, 0);
  const auto v = run_xpusim("validate " + quickstart + " --unset workload.source", dir / "s");
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_NE(v.err.find("workload.source"), std::string::npos) << v.err;
  // sweep: every point loses the key (--dry-run loads each point's scenario).
  const std::string sweep =
      (fs::path(XPUSIM_SOURCE_DIR) / "configs/sweeps/serving_orca_static.yaml").string();
  EXPECT_EQ(run_xpusim("sweep " + sweep + " --dry-run --unset slo", dir / "s").exit_code, 0);
  // An axis sets its key after the unset: the points still load.
  EXPECT_EQ(run_xpusim("sweep " + sweep + " --dry-run --unset workload.rate_per_s", dir / "s").exit_code, 0);
  const auto s = run_xpusim("sweep " + sweep + " --dry-run --unset workload.source", dir / "s");
  EXPECT_NE(s.exit_code, 0);
  EXPECT_NE(s.err.find("workload.source"), std::string::npos) << s.err;
  const auto absent = run_xpusim("sweep " + sweep + " --dry-run --unset batching.nope", dir / "s");
  EXPECT_NE(absent.exit_code, 0);
  EXPECT_NE(absent.err.find("nothing to unset"), std::string::npos) << absent.err;
}

TEST_F(Overrides, SectionPresetsComposeLikeHardwarePresets) {
  ASSERT_EQ(quick("--set batching=sarathi-strict --set slo=mlperf-llama2-70b-interactive", "p").exit_code, 0);
  const auto r = resolved("p");
  EXPECT_EQ(r.at("batching").at("policy"), "sarathi");
  EXPECT_EQ(r.at("batching").at("chunk_size"), 512);        // Sarathi-Serve's strict budget
  EXPECT_DOUBLE_EQ(r.at("slo").at("ttft_s").get<double>(), 0.45);  // MLPerf interactive
  EXPECT_DOUBLE_EQ(r.at("slo").at("tpot_s").get<double>(), 0.04);
  // vLLM's server defaults by GPU class (configs/batching/vllm-server-*.yaml).
  ASSERT_EQ(quick("--set batching=vllm-server-a100", "a100").exit_code, 0);
  EXPECT_EQ(resolved("a100").at("batching").at("max_num_batched_tokens"), 2048);
  EXPECT_EQ(resolved("a100").at("batching").at("max_num_seqs"), 256);
  ASSERT_EQ(quick("--set batching=vllm-server-h100", "h100").exit_code, 0);
  EXPECT_EQ(resolved("h100").at("batching").at("max_num_seqs"), 1024);
  // azure-conv holds quickstart's own workload numbers: the same run, byte for byte.
  std::string text = slurp(quickstart);
  const auto at = text.find("workload:");
  const auto end = text.find("\n\n", at);
  text.replace(at, end - at, "workload: {preset: azure-conv, num_requests: 40}");
  std::ofstream(dir / "quickstart.yaml") << text;
  ASSERT_EQ(run_xpusim("-q run " + (dir / "quickstart.yaml").string() + " --out " +
                           (dir / "preset").string(), dir / "scratch").exit_code, 0);
  ASSERT_EQ(quick("", "plain").exit_code, 0);
  EXPECT_EQ(slurp(dir / "preset" / "summary.json"), slurp(dir / "plain" / "summary.json"));
  // A disaggregated cluster preset runs both pools.
  ASSERT_EQ(quick("--set cluster=pd-1p1d --unset cluster.instances --unset cluster.router", "pd").exit_code, 0);
  EXPECT_EQ(resolved("pd").at("cluster").at("prefill_instances"), 1);
  EXPECT_EQ(resolved("pd").at("cluster").at("instances"), 2);
}

TEST_F(Overrides, PresetErrorsNameThePresetFile) {
  const auto unknown = quick("--set slo.preset=nope", "u");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no slo preset 'nope'"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("slo/nope.yaml"), std::string::npos) << unknown.err;
  fs::create_directories(dir / "presets" / "slo");
  std::ofstream(dir / "presets" / "slo" / "broken.yaml") << "ttft_s: 1.0\ntpot_s: fast\n";
  const auto broken = run_xpusim("run " + quickstart + " --set slo=broken --out " + (dir / "b").string(),
                                 dir / "scratch", {});
  // Found through XPUSIM_PRESET_PATH only: without it the name is not a preset (nor a policy).
  EXPECT_EQ(broken.exit_code, 1);
  const std::string cmd = "XPUSIM_PRESET_PATH=" + (dir / "presets").string() + " " + XPUSIM_BINARY +
                          " run " + quickstart + " --set slo=broken --out " + (dir / "b").string() +
                          " 2>" + (dir / "err.txt").string() + " >/dev/null";
  EXPECT_NE(std::system(cmd.c_str()), 0);
  const std::string err = slurp(dir / "err.txt");
  EXPECT_NE(err.find("broken.yaml:2:9 (preset)"), std::string::npos) << err;
  EXPECT_NE(err.find("key 'slo.tpot_s'"), std::string::npos) << err;
}

TEST_F(Overrides, ACommaListRunsAGridWithOneDeterministicFolderPerPoint) {
  const std::string grid = "run " + quickstart +
                           " -q -m --set workload.num_requests=30 --set batching.policy=vllm,sarathi"
                           " --set workload.rate_per_s=2,4 -j 2 --out ";
  ASSERT_EQ(run_xpusim(grid + (dir / "g1").string(), dir / "scratch").exit_code, 0);
  const auto rows = csv_rows(slurp(dir / "g1" / "results.csv"));
  ASSERT_EQ(rows.size(), 5u);  // header + 2 x 2 points
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir / "g1" / "points")) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  ASSERT_EQ(names.size(), 4u);
  // The same grid again: the same folder names (ids hash the point's overrides).
  ASSERT_EQ(run_xpusim(grid + (dir / "g2").string(), dir / "scratch").exit_code, 0);
  std::vector<std::string> again;
  for (const auto& e : fs::directory_iterator(dir / "g2" / "points")) again.push_back(e.path().filename());
  std::sort(again.begin(), again.end());
  EXPECT_EQ(names, again);
  // Each point is the single run with those values.
  ASSERT_EQ(run_xpusim("-q run " + quickstart + " --set workload.num_requests=30 --set batching.policy=sarathi"
                       " --set workload.rate_per_s=4 --out " + (dir / "single").string(), dir / "scratch").exit_code, 0);
  bool found = false;
  for (const auto& n : names)
    if (n.rfind("policy-sarathi_rate_per_s-4-", 0) == 0) {
      found = true;
      EXPECT_EQ(slurp(dir / "g1" / "points" / n / "summary.json"), slurp(dir / "single" / "summary.json"));
    }
  EXPECT_TRUE(found);
  // A grid refuses a non-empty --out like a run.
  EXPECT_EQ(run_xpusim(grid + (dir / "g1").string(), dir / "scratch").exit_code, 2);
  // Without -m a comma stays part of the value (tenants.weights is a comma-separated string).
  const auto plain = quick("--set tenants.weights=1,3", "weights");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(resolved("weights").at("tenants").at("weights"), "1,3");
}

}  // namespace
}  // namespace xpusim::cli
