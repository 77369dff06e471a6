#pragma once
// Replays recorded MoE routing: a CSV file with one row per (micro-batch, MoE layer) holding
// the tokens routed to each expert (format in docs/moe.md). The whole file is read up front
// (it is small: micro-batches x layers rows) and replayed in order, wrapping around at the end.
#include <filesystem>

#include "xpusim/workload/routing_source.hpp"

namespace xpusim::workload {

class RoutingTrace final : public RoutingSource {
 public:
  // Throws xpusim::Error naming file and line for a malformed row, or when the file's
  // layer/expert counts differ from the model's (`layers`, `experts`).
  RoutingTrace(const std::filesystem::path& path, int layers, int experts);
  int layers() const override { return layers_; }
  int experts() const override { return experts_; }
  void next(ExpertLoads& out) override;
  std::size_t micro_batches() const { return batches_.size(); }

 private:
  int layers_, experts_;
  std::vector<ExpertLoads> batches_;
  std::size_t cursor_ = 0;
};

}  // namespace xpusim::workload
