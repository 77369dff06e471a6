// libFuzzer target: any bytes as an agent-flow trace (XPUSIM_FUZZ_READER "agent") or a MoE
// routing trace ("routing", for 2 MoE layers x 8 experts, 4 tokens x top-2 per micro-batch).
// Reading must yield flows/loads that keep the reader's promises or an xpusim::Error naming
// file and line; anything else (a crash, a sanitizer report, another exception) is a bug.
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "xpusim/core/error.hpp"
#include "xpusim/workload/agent_flow.hpp"
#include "xpusim/workload/routing_trace.hpp"

namespace {

void check_agent(const std::filesystem::path& path) {
  const auto flows = xpusim::workload::read_agent_trace(path);
  if (flows.empty()) __builtin_trap();  // an empty trace is an error, not zero flows
  for (const auto& f : flows) {
    if (!(f.arrival_s >= 0 && f.arrival_s < 9.2e9) || f.turns.empty()) __builtin_trap();
    for (const auto& t : f.turns)
      if (t.prompt_tokens < 1 || t.output_tokens < 1 || !(t.think_s >= 0) || !(t.tool_wait_s >= 0))
        __builtin_trap();
  }
}

void check_routing(const std::filesystem::path& path) {
  constexpr int kLayers = 2, kExperts = 8, kTokens = 4, kTopK = 2;
  xpusim::workload::RoutingTrace trace(path, kLayers, kExperts, kTokens, kTopK);
  xpusim::workload::ExpertLoads loads;
  for (std::size_t i = 0; i < trace.micro_batches(); ++i) {
    trace.next(loads);
    if (loads.size() != static_cast<std::size_t>(kLayers)) __builtin_trap();
    for (const auto& layer : loads) {
      std::int64_t sum = 0;
      for (auto c : layer) {
        if (c < 0 || c > kTokens) __builtin_trap();
        sum += c;
      }
      if (sum > kTokens * kTopK) __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                            ("xpusim_fuzz_" + std::to_string(::getpid()) + ".csv");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    if (std::string(XPUSIM_FUZZ_READER) == "agent")
      check_agent(path);
    else
      check_routing(path);
  } catch (const xpusim::InvariantError&) {
    throw;
  } catch (const xpusim::Error&) {
  }
  return 0;
}
