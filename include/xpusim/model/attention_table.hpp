#pragma once
// Measured attention kernel times of one model on one GPU at one tensor-parallel degree, read
// from a CSV in the layout Vidur's attention profiler writes (attention.csv; format in
// docs/execution-model.md): prefill by (chunk size, KV already cached), decode by (batch size,
// KV length), per layer. Interpolated piecewise-linearly in both axes.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "xpusim/model/profile_table.hpp"

namespace xpusim::model {

// The attention shape a table must have been measured on; checked against the n_embd,
// n_q_head and n_kv_head columns where they are present.
struct AttentionShape {
  int hidden = 0;
  int num_heads = 0;
  int num_kv_heads = 0;
};

// One kernel's time over a two-dimensional, possibly ragged grid: for each value of the outer
// axis (chunk size or batch size) a piecewise-linear function of the KV length. Between two
// outer values the time is the linear blend of the two neighbouring rows, each evaluated at the
// KV length.
class AttentionGrid {
 public:
  struct Row {
    double outer = 0;
    std::vector<double> kv;      // strictly increasing
    std::vector<double> time_s;  // one per kv
  };
  AttentionGrid() = default;
  // `rows` sorted by strictly increasing `outer`; each row needs at least one KV point, and
  // at least two when it has to be interpolated in KV. `what` names the grid in messages.
  AttentionGrid(std::string what, std::vector<Row> rows, bool extrapolate);

  // Seconds per layer at (outer, kv), outer > 0, kv >= 0. Outside the measured range:
  // xpusim::Error naming the grid and the range, unless the grid extrapolates (linear from the
  // two outermost points on that side, clamped at zero). No allocation except on error.
  double at(double outer, double kv) const;
  bool empty() const { return rows_.empty(); }
  std::size_t points() const;

 private:
  double row_at(const Row& row, double kv) const;
  [[noreturn]] void out_of_range(const char* axis, double value, double lo, double hi) const;

  std::string what_;
  std::vector<Row> rows_;
  bool extrapolate_ = false;
};

class AttentionTable {
 public:
  struct Options {
    std::filesystem::path path;
    int tensor_parallel = 1;
    ProfileStatistic statistic = ProfileStatistic::Median;
    bool extrapolate = false;
  };

  // Reads the rows of `options.tensor_parallel`; repeated points are averaged. Throws
  // xpusim::Error naming FILE:LINE for a missing column, a malformed or negative number, a
  // shape that disagrees with `expect`, and naming the file when it cannot be opened or has no
  // prefill or no decode rows at that TP degree.
  static AttentionTable load(const Options& options, const std::optional<AttentionShape>& expect);

  AttentionTable(AttentionGrid prefill, AttentionGrid decode)
      : prefill_(std::move(prefill)), decode_(std::move(decode)) {}

  // One prefill chunk of `chunk` new tokens after `cached` tokens already in KV, per layer.
  double prefill_seconds(double chunk, double cached) const { return prefill_.at(chunk, cached); }
  // A decode batch of `batch` sequences whose mean KV length is `kv`, per layer.
  double decode_seconds(double batch, double kv) const { return decode_.at(batch, kv); }
  const AttentionGrid& prefill() const { return prefill_; }
  const AttentionGrid& decode() const { return decode_; }

 private:
  AttentionGrid prefill_;
  AttentionGrid decode_;
};

}  // namespace xpusim::model
