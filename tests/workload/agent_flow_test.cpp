#include "xpusim/workload/agent_flow.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "xpusim/build_paths.hpp"
#include "xpusim/core/error.hpp"

namespace xpusim::workload {
namespace {

namespace fs = std::filesystem;

AgentWorkloadConfig workload(std::map<std::string, ParamValue> given) {
  return AgentWorkloadConfig::binding().from(given);
}

TEST(AgentFlows, SyntheticFlowsFollowTheirClassShapes) {
  const auto flows = generate_agent_flows(workload({{"duration_s", 2000.0},
                                                    {"reactive_rate_per_s", 0.05},
                                                    {"proactive_rate_per_s", 0.2},
                                                    {"reactive_turns", std::int64_t{3}},
                                                    {"length_jitter", 0.0}}),
                                          7);
  int reactive = 0, proactive = 0;
  double last = 0;
  for (std::size_t i = 0; i < flows.size(); ++i) {
    const AgentFlow& f = flows[i];
    EXPECT_EQ(f.id, static_cast<int>(i));
    EXPECT_GE(f.arrival_s, last);
    last = f.arrival_s;
    EXPECT_LT(f.arrival_s, 2000.0);
    EXPECT_EQ(f.turns[0].think_s + f.turns[0].tool_wait_s, 0.0);
    if (f.cls == FlowClass::Reactive) {
      ++reactive;
      ASSERT_EQ(f.turns.size(), 3u);
      EXPECT_EQ(f.turns[1].prompt_tokens, 256);
      EXPECT_EQ(f.turns[1].output_tokens, 64);
      EXPECT_EQ(f.turns[1].tool_wait_s, 0.0);
    } else {
      ++proactive;
      ASSERT_EQ(f.turns.size(), 2u);
      EXPECT_EQ(f.turns[0].prompt_tokens, 512);
      EXPECT_EQ(f.turns[1].think_s, 0.0);
    }
  }
  // Poisson counts: 100 and 400 expected; 4 standard deviations.
  EXPECT_NEAR(reactive, 100, 40);
  EXPECT_NEAR(proactive, 400, 80);
}

TEST(AgentFlows, OneClassesLoadNeverMovesTheOthersFlows) {
  auto arrivals = [](double proactive_rate) {
    std::vector<double> out;
    for (const auto& f :
         generate_agent_flows(workload({{"proactive_rate_per_s", proactive_rate}}), 3))
      if (f.cls == FlowClass::Reactive) out.push_back(f.arrival_s);
    return out;
  };
  EXPECT_EQ(arrivals(0.1), arrivals(0.4));
  EXPECT_FALSE(arrivals(0.1).empty());
}

TEST(AgentFlows, ShippedSampleTraceReads) {
  const auto flows = read_agent_trace(fs::path(XPUSIM_SOURCE_DIR) / "traces/sample_agent.csv");
  ASSERT_GE(flows.size(), 3u);
  for (std::size_t i = 1; i < flows.size(); ++i)
    EXPECT_LE(flows[i - 1].arrival_s, flows[i].arrival_s);
  EXPECT_EQ(flows[0].cls, FlowClass::Reactive);
  EXPECT_GE(flows[0].turns.size(), 2u);
}

TEST(AgentFlows, BadTraceRowsNameFileAndLine) {
  const fs::path dir = fs::temp_directory_path() / "xpusim_agent_trace_test";
  fs::create_directories(dir);
  const std::string header =
      "flow_id,class,arrival_s,prompt_tokens,output_tokens,think_s,tool_wait_s\n";
  auto expect_error = [&](const std::string& body, const std::string& what) {
    std::ofstream(dir / "t.csv") << header << body;
    try {
      read_agent_trace(dir / "t.csv");
      FAIL() << "accepted: " << body;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  expect_error("0,reactive,0,10,5,0,0\n0,chatty,0,10,5,0,0\n", "t.csv:3: class 'chatty'");
  expect_error("0,reactive,0,10,0,0,0\n", "t.csv:2");
  expect_error("0,reactive,0,10,5,0,0\n1,proactive,1,10,5,0,0\n0,reactive,0,10,5,0,0\n",
               "consecutive");
  expect_error("0,reactive,0,10,5,0,0\n0,reactive,4,10,5,0,0\n", "arrival_s differs");
  expect_error("", "t.csv: no data rows after the header");
  expect_error("0,reactive,1e300,10,5,0,0\n", "t.csv:2: arrival_s '1e300' is too large");
  expect_error("0,reactive,0,10,5,0,1e10\n", "t.csv:2: tool_wait_s '1e10' is too large");
  expect_error("0,reactive,0,10,5,9e9,0\n0,reactive,0,10,5,9e9,0\n", "t.csv:3: flow 0 reaches");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace xpusim::workload
