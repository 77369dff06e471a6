#pragma once
// Personal-agent workload: long-lived LLM flows made of turns. Reactive flows are started by a
// user who waits for every answer; proactive flows are background monitoring that only needs
// throughput. A turn's prompt becomes ready `think_s + tool_wait_s` after the previous turn ended
// (the user reading and typing, a tool call running); the first turn is ready on arrival.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "xpusim/core/param_binding.hpp"

namespace xpusim::workload {

enum class FlowClass { Reactive = 0, Proactive = 1 };
const char* flow_class_name(FlowClass c);

struct AgentTurn {
  std::int64_t prompt_tokens = 0;  // new tokens appended to the flow's context
  std::int64_t output_tokens = 0;  // >= 1
  double think_s = 0;              // user think time before this turn (0 for the first)
  double tool_wait_s = 0;          // tool call before this turn (0 for the first)
};

struct AgentFlow {
  int id = 0;
  FlowClass cls = FlowClass::Reactive;
  double arrival_s = 0;
  std::vector<AgentTurn> turns;
};

// The agent `workload` section (synthetic generator or a recorded trace), each key bound to
// its field by binding(), in the YAML's own units.
struct AgentWorkloadConfig {
  bool trace = false;                  // source: synthetic | trace
  std::filesystem::path trace_path;    // source trace: relative to the scenario file
  double duration_s = 120;             // synthetic: flows arrive in [0, duration_s)
  double reactive_rate_per_s = 0.05;   // Poisson arrival rates per class
  double proactive_rate_per_s = 0.2;
  int reactive_turns = 2;              // turns per flow
  int proactive_turns = 2;
  double reactive_prompt_tokens = 256;  // mean new prompt / output tokens per turn
  double reactive_output_tokens = 64;
  double proactive_prompt_tokens = 512;
  double proactive_output_tokens = 64;
  double length_jitter = 0.5;  // lengths uniform in mean x [1 - j, 1 + j]
  double think_time_s = 5;     // mean think time before a reactive turn (exponential)
  double tool_wait_s = 2;      // mean tool-call time before a proactive turn (exponential)

  static const ParamBinding<AgentWorkloadConfig>& binding();
};

// Poisson arrivals per class over [0, duration_s); turn lengths jittered uniformly by
// ±length_jitter around the class means; think and tool times exponential. Flows come out
// sorted by arrival (ties: reactive first, then generation order) with ids 0, 1, 2...
std::vector<AgentFlow> generate_agent_flows(const AgentWorkloadConfig& config, std::uint64_t seed);

// Reads the agent trace format (docs/soc.md): header
// `flow_id,class,arrival_s,prompt_tokens,output_tokens,think_s,tool_wait_s`, one row per turn,
// a flow's rows consecutive and in turn order. Throws xpusim::Error "FILE:LINE: what".
std::vector<AgentFlow> read_agent_trace(const std::filesystem::path& path);

// The flows a bound workload section describes (`base_dir` resolves a relative trace path).
std::vector<AgentFlow> load_agent_flows(const AgentWorkloadConfig& config, std::uint64_t seed,
                                        const std::filesystem::path& base_dir);

}  // namespace xpusim::workload
