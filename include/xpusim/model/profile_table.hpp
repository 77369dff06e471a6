#pragma once
// Measured per-layer operator times of one model on one GPU at one tensor-parallel degree, read
// from a profile CSV in the layout Vidur's profiler writes (format in docs/execution-model.md)
// and interpolated piecewise-linearly in the token count.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace xpusim::model {

// Which of the per-operator statistics over repeated runs the table is read with.
enum class ProfileStatistic { Median, Mean, Min };
ProfileStatistic profile_statistic_from_string(const std::string& name);
const char* to_string(ProfileStatistic statistic);

// Times at one token count, in seconds on one device.
struct ProfileTimes {
  double layer_s = 0;      // one layer's operators except attention (GEMMs, norms, rope, ...)
  double embedding_s = 0;  // token embedding lookup, once per iteration
};

// The model shape a table must have been measured on; checked against the table's n_embd,
// n_head, n_kv_head and n_expanded_embd columns where they are present.
struct ProfileShape {
  int hidden = 0;
  int num_heads = 0;
  int num_kv_heads = 0;
  int ffn_hidden = 0;
};

class ProfileTable {
 public:
  struct Options {
    std::filesystem::path path;
    int tensor_parallel = 1;
    ProfileStatistic statistic = ProfileStatistic::Median;
    bool extrapolate = false;  // beyond the measured range: linear from the outermost two points
  };

  // Reads the rows of `options.tensor_parallel`; repeated token counts are averaged. Throws
  // xpusim::Error naming FILE:LINE for a missing file or column, a malformed or negative
  // number, a shape that disagrees with `expect`, or fewer than two token counts at that TP.
  static ProfileTable load(const Options& options, const std::optional<ProfileShape>& expect);

  // From points directly: `tokens` strictly increasing and positive, at least two of them.
  // `source` names the table in error messages.
  ProfileTable(std::string source, std::vector<double> tokens, std::vector<ProfileTimes> times,
               bool extrapolate);

  // Times at `tokens` (> 0), exact at measured points and linear between them. Outside the
  // measured range: xpusim::Error naming the table, the count and the range, unless the table
  // extrapolates (then linear from the two outermost points, never below zero). No allocation
  // except on the error path.
  ProfileTimes at(double tokens) const;

  double min_tokens() const { return tokens_.front(); }
  double max_tokens() const { return tokens_.back(); }
  std::size_t points() const { return tokens_.size(); }
  const std::string& source() const { return source_; }

 private:
  [[noreturn]] void out_of_range(double tokens) const;

  std::string source_;
  std::vector<double> tokens_;       // the token axis, strictly increasing
  std::vector<ProfileTimes> times_;  // one entry per token count
  bool extrapolate_;
};

}  // namespace xpusim::model
