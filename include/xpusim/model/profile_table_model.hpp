#pragma once
// Execution time from measured operator timings: each layer's non-attention operators and the
// embedding are interpolated in a profile table (ProfileTable), attention in an optional
// attention table (AttentionTable); attention without such a table, the final norm, the LM
// head and tensor-parallel all-reduce come from a RooflineModel of the same placement. The
// split is documented in docs/execution-model.md.
#include <filesystem>
#include <optional>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/model/attention_table.hpp"
#include "xpusim/model/execution_model.hpp"
#include "xpusim/model/profile_table.hpp"
#include "xpusim/model/roofline_model.hpp"

namespace xpusim::model {

struct ProfileTableConfig {
  std::filesystem::path table;  // the factory resolves it against the scenario's folder
  // Attention kernel times (Vidur's attention.csv layout); empty = attention from the roofline.
  std::filesystem::path attention_table;
  ProfileStatistic statistic = ProfileStatistic::Median;
  bool extrapolate = false;
  RooflineFactors roofline;  // for the parts the table does not cover, and the overheads
};

// table, attention_table, statistic, extrapolate, then every roofline factor.
const ParamBinding<ProfileTableConfig>& profile_table_binding();

class ProfileTableModel final : public ExecutionModel {
 public:
  // Loads the table's rows for `placement.tensor_parallel`, checked against the model's shape.
  // Throws xpusim::Error for an MoE model (the table has no expert operators), a table that
  // cannot be read, or a placement the roofline rejects.
  ProfileTableModel(ModelSpec model, Placement placement, const ProfileTableConfig& config);
  // With a table already built (tests, tables from other sources).
  ProfileTableModel(ModelSpec model, Placement placement, ProfileTable table,
                    RooflineFactors factors,
                    std::optional<AttentionTable> attention = std::nullopt);

  // Throws xpusim::Error when the iteration's token count is outside the table's range and the
  // table does not extrapolate.
  IterationCost estimate(const BatchShape& batch) const override;
  std::string name() const override { return "profile_table"; }
  // std::nullopt: the table has no expert operators (and the model refuses MoE models).
  std::optional<double> routed_expert_seconds(double, int, bool) const override {
    return std::nullopt;
  }

  const ProfileTable& table() const { return table_; }
  const RooflineModel& roofline() const { return roofline_; }
  bool has_attention_table() const { return attention_.has_value(); }

 private:
  struct Totals {
    double seconds = 0, flops = 0, bytes = 0, comm_seconds = 0;
  };
  void add_layers(const LayerTokens& tokens, double prefill_seqs, double table_layer_s,
                  double count, Totals& totals) const;
  // One layer's attention: from the attention table when there is one, else the roofline.
  double attention_seconds(const LayerTokens& tokens, double prefill_seqs, const OpWorks& work) const;
  void add_head(const BatchShape& batch, double table_embedding_s, Totals& totals) const;

  ModelSpec model_;
  RooflineModel roofline_;
  ProfileTable table_;
  std::optional<AttentionTable> attention_;
  double memory_bw_;  // bytes/s, for activity
};

}  // namespace xpusim::model
