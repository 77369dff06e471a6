#include "xpusim/workload/empirical_length.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"

namespace xpusim::workload {

EmpiricalLength::EmpiricalLength(std::vector<std::int32_t> values, std::int32_t min,
                                 std::int32_t max)
    : values_(std::move(values)), min_(min), max_(max) {
  XPUSIM_CHECK(!values_.empty() && min >= 1 && min <= max, "bad empirical length parameters");
}

std::vector<std::int32_t> EmpiricalLength::load(const std::filesystem::path& path,
                                                TraceFormat format, TraceColumn column) {
  auto reader = open_trace(format, path);
  std::vector<std::int32_t> values;
  TraceRow row;
  while (reader->next(row))
    values.push_back(column == TraceColumn::Prompt ? row.prompt_tokens : row.output_tokens);
  return values;
}

std::int32_t EmpiricalLength::sample(RngStream& rng) {
  const auto i = rng.uniform_int(0, static_cast<std::int64_t>(values_.size()) - 1);
  return std::clamp(values_[static_cast<std::size_t>(i)], min_, max_);
}

}  // namespace xpusim::workload
