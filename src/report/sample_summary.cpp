#include "xpusim/report/sample_summary.hpp"

#include <algorithm>
#include <cmath>

#include "xpusim/core/error.hpp"
#include "xpusim/report/distribution_json.hpp"

namespace xpusim::report {

std::uint64_t nearest_rank(double q, std::uint64_t n) {
  XPUSIM_CHECK(q >= 0.0 && q <= 1.0, "quantile must be in [0, 1]");
  XPUSIM_CHECK(n > 0 && n < (1ULL << 44), "nearest_rank needs 0 < n < 2^44");
  constexpr std::uint64_t kPpm = 1'000'000;
  const auto ppm = static_cast<std::uint64_t>(std::llround(q * static_cast<double>(kPpm)));
  const std::uint64_t rank = (ppm * n + kPpm - 1) / kPpm;
  return std::clamp<std::uint64_t>(rank, 1, n);
}

void SampleSummary::add(double value) {
  XPUSIM_DEBUG_CHECK(std::isfinite(value), "sample must be finite");
  max_ = values_.empty() ? value : std::max(max_, value);
  values_.push_back(value);
  sum_ += value;
}

double SampleSummary::mean() const {
  XPUSIM_CHECK(!values_.empty(), "mean of no samples");
  return sum_ / static_cast<double>(values_.size());
}

double SampleSummary::max() const {
  XPUSIM_CHECK(!values_.empty(), "max of no samples");
  return max_;
}

double SampleSummary::quantile(double q) const {
  XPUSIM_CHECK(!values_.empty(), "quantile of no samples");
  // Selection, not a full sort: a summary asks for three ranks of up to millions of samples.
  const auto k = static_cast<std::ptrdiff_t>(nearest_rank(q, values_.size()) - 1);
  std::nth_element(values_.begin(), values_.begin() + k, values_.end());
  return values_[static_cast<std::size_t>(k)];
}

nlohmann::json SampleSummary::to_json(double divisor) const {
  return distribution_json(*this, values_.size(), divisor);
}

}  // namespace xpusim::report
