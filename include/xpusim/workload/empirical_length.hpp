#pragma once
#include <vector>

#include "xpusim/workload/length_distribution.hpp"

namespace xpusim::workload {

// Resamples the lengths of one column of a real trace, each row equally likely, clamped into
// [min, max]. The column is held in memory (4 bytes a row), unlike trace replay which streams.
class EmpiricalLength final : public LengthDistribution {
 public:
  EmpiricalLength(std::vector<std::int32_t> values, std::int32_t min, std::int32_t max);
  // Loads `column` of the trace `path` in `format`.
  static std::vector<std::int32_t> load(const std::filesystem::path& path, TraceFormat format,
                                        TraceColumn column);
  std::int32_t sample(RngStream& rng) override;
  std::size_t size() const { return values_.size(); }

 private:
  std::vector<std::int32_t> values_;
  std::int32_t min_;
  std::int32_t max_;
};

}  // namespace xpusim::workload
