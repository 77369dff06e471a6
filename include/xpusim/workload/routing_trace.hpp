#pragma once
// Replays recorded MoE routing: a CSV file with one row per (micro-batch, MoE layer) holding
// the tokens routed to each expert (format in docs/moe.md). The whole file is read up front
// (it is small: micro-batches x layers rows) and replayed in order, wrapping around at the end.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "xpusim/workload/routing_source.hpp"

namespace xpusim::workload {

class CsvReader;

class RoutingTrace final : public RoutingSource {
 public:
  // Throws xpusim::Error naming file, line and column for a malformed row, or when the file's
  // layer/expert counts differ from the model's (`layers`, `experts`). With `tokens` > 0 (the
  // micro-batch size) and `top_k` > 0, counts are checked for plausibility: at most `tokens`
  // per expert and tokens x top_k per row.
  RoutingTrace(const std::filesystem::path& path, int layers, int experts,
               std::int64_t tokens = 0, int top_k = 0);
  int layers() const override { return layers_; }
  int experts() const override { return experts_; }
  void next(ExpertLoads& out) override;
  std::size_t micro_batches() const { return batches_.size(); }

 private:
  static void check_counts(const CsvReader& csv, const std::vector<std::int64_t>& row,
                           std::int64_t tokens, int top_k);
  int layers_, experts_;
  std::vector<ExpertLoads> batches_;
  std::size_t cursor_ = 0;
};

}  // namespace xpusim::workload
