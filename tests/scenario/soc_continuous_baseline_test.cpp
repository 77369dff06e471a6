// Agent.xpu against the strongest iGPU-only baseline, continuous batching (issue 18), end to end
// on the shipped scenario; and the errors of the SoC's KV budget and NPU shape keys.
#include <gtest/gtest.h>

#include "xpusim/scenario/system_kinds.hpp"

namespace xpusim::scenario {
namespace {

nlohmann::json run_at(const std::string& policy, const std::string& proactive_rate) {
  const Catalogs catalogs = build_catalogs();
  return load_any_scenario("configs/soc_agent_xpu.yaml",
                           {"flow_scheduling.policy=" + policy,
                            "workload.proactive_rate_per_s=" + proactive_rate, "horizon_s=200",
                            "workload.duration_s=200"},
                           catalogs)
      ->run({})
      .summary;
}

double at(const nlohmann::json& j, const char* cls, const char* metric) {
  return j[cls][metric]["mean"].get<double>();
}

// Paper (arXiv 2506.24045 v2): reactive latency >= 91% lower and proactive throughput 1.2-4.9x
// against an iGPU-only engine. Stated scenario: configs/soc_agent_xpu.yaml, 200 s. At 0.8
// proactive flows/s the continuous-batching iGPU saturates (prefill and decode share it) while
// Agent.xpu prefills on the NPU: both claims hold in direction and size.
TEST(SocContinuousBaseline, AgentXpuWinsBothClaimsOnceTheIgpuSaturates) {
  const auto agent = run_at("agent_xpu", "0.8"), base = run_at("igpu_continuous", "0.8");
  EXPECT_LT(at(agent, "reactive", "ttft_s"), 0.09 * at(base, "reactive", "ttft_s"));
  EXPECT_LT(at(agent, "reactive", "e2e_s"), 0.5 * at(base, "reactive", "e2e_s"));
  EXPECT_GT(agent["proactive"]["tokens_per_s"].get<double>(),
            1.2 * base["proactive"]["tokens_per_s"].get<double>());
}

// Where the mechanism does not win: at 0.3 flows/s both keep up with the offered proactive load
// (equal throughput within 2%); Agent.xpu's reactive TTFT is still lower (no FCFS wait behind a
// 512-token proactive chunk), but by far less than 91%.
TEST(SocContinuousBaseline, AtModerateLoadOnlyReactiveLatencyDiffers) {
  const auto agent = run_at("agent_xpu", "0.3"), base = run_at("igpu_continuous", "0.3");
  const double ta = agent["proactive"]["tokens_per_s"], tb = base["proactive"]["tokens_per_s"];
  EXPECT_NEAR(ta / tb, 1.0, 0.02);
  EXPECT_LT(at(agent, "reactive", "ttft_s"), at(base, "reactive", "ttft_s"));
  EXPECT_GT(at(agent, "reactive", "ttft_s"), 0.09 * at(base, "reactive", "ttft_s"));
}

std::string first_error(const std::string& yaml) {
  const Catalogs catalogs = build_catalogs();
  Diagnostics diag;
  try {
    load_any_scenario(YamlDocument::parse(yaml, "s.yaml"), diag, catalogs);
  } catch (const ScenarioError& e) {
    return e.messages().empty() ? "" : e.messages().front();
  }
  return "";
}

TEST(SocContinuousBaseline, BadKvBudgetAndShapesAreReportedAtTheirKey) {
  const std::string model = "model: {preset: llama-3-8b, dtype: int4}\n";
  EXPECT_EQ(first_error("system: soc\nsoc: {preset: intel-core-ultra-7-258v}\n" + model), "");
  std::string e = first_error(
      "system: soc\nsoc: {preset: intel-core-ultra-7-258v, npu_prefill_shapes: 128x}\n" + model);
  EXPECT_NE(e.find("s.yaml:2:"), std::string::npos) << e;
  EXPECT_NE(e.find("key 'soc.npu_prefill_shapes': '128x' is not a token count"),
            std::string::npos)
      << e;
  e = first_error("system: soc\nsoc: {preset: intel-core-ultra-7-258v, kv_budget_gb: 40}\n" +
                  model);
  EXPECT_NE(e.find("key 'soc.kv_budget_gb': KV budget 40.00 GB exceeds the DDR the weights "
                   "leave"),
            std::string::npos)
      << e;
  // 0.01 GB holds 76 tokens of Llama-3-8B KV; every synthetic flow needs more.
  e = first_error("system: soc\nsoc: {preset: intel-core-ultra-7-258v, kv_budget_gb: 0.01}\n" +
                  model);
  EXPECT_NE(e.find("key 'soc.kv_budget_gb': flow 0 needs"), std::string::npos) << e;
  EXPECT_NE(e.find("more than the KV budget (0.010 GB)"), std::string::npos) << e;
}

}  // namespace
}  // namespace xpusim::scenario
