#pragma once
// Metrics of agent flows on an SoC: reactive latency per turn (TTFT: prompt ready to first
// token; end-to-end: prompt ready to last token), proactive throughput (output tokens per
// second of simulated time) and turn counts per class. turns.csv has one row per finished turn.
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "xpusim/report/sample_summary.hpp"
#include "xpusim/systems/flow_records.hpp"

namespace xpusim::report {

class FlowMetrics final : public systems::FlowObserver {
 public:
  void on_tokens(workload::FlowClass cls, std::int64_t tokens, TimeNs now) override;
  void on_turn_done(const systems::TurnRecord& record) override;

  // {reactive: {turns_completed, output_tokens, ttft_s, e2e_s}, proactive: {..., tokens_per_s}}
  // over `elapsed_s` of simulated time.
  nlohmann::json summary(double elapsed_s) const;
  void write_turns_csv(std::ostream& out) const;
  std::int64_t output_tokens() const { return tokens_[0] + tokens_[1]; }

 private:
  std::array<std::int64_t, 2> tokens_{};  // by FlowClass
  std::array<std::int64_t, 2> turns_{};
  std::array<SampleSummary, 2> ttft_ns_, e2e_ns_;
  std::vector<systems::TurnRecord> records_;
};

}  // namespace xpusim::report
