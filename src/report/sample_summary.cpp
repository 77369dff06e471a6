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
  max_ = count_ == 0 ? value : std::max(max_, value);
  ++count_;
  sum_ += value;
  if (!exact_) return add_streaming(value);
  values_.push_back(value);
  if (values_.size() >= exact_limit_) to_streaming();
}

void SampleSummary::add_streaming(double value) {
  if (value >= 0.0)
    positive_.add(value);
  else
    negative_.add(-value);
}

void SampleSummary::to_streaming() {
  if (!exact_) return;
  exact_ = false;
  for (const double v : values_) add_streaming(v);
  std::vector<double>().swap(values_);  // release the memory, not only the size
}

double SampleSummary::mean() const {
  XPUSIM_CHECK(count_ > 0, "mean of no samples");
  return sum_ / static_cast<double>(count_);
}

double SampleSummary::max() const {
  XPUSIM_CHECK(count_ > 0, "max of no samples");
  return max_;
}

double SampleSummary::quantile(double q) const {
  XPUSIM_CHECK(count_ > 0, "quantile of no samples");
  const std::uint64_t rank = nearest_rank(q, count_);
  if (!exact_) {
    // The negatives come first, the largest magnitude first.
    const std::uint64_t negatives = negative_.count();
    if (rank <= negatives) return -negative_.value_at_rank(negatives - rank + 1);
    return positive_.value_at_rank(rank - negatives);
  }
  // Selection, not a full sort: a summary asks for three ranks of up to millions of samples.
  const auto k = static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(values_.begin(), values_.begin() + k, values_.end());
  return values_[static_cast<std::size_t>(k)];
}

nlohmann::json SampleSummary::to_json(double divisor) const {
  nlohmann::json j = distribution_json(*this, count_, divisor);
  if (!exact_) j["quantile_relative_error"] = kStreamingRelativeError;
  return j;
}

}  // namespace xpusim::report
