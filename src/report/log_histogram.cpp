#include "xpusim/report/log_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "xpusim/core/error.hpp"
#include "xpusim/report/distribution_json.hpp"
#include "xpusim/report/sample_summary.hpp"

namespace xpusim::report {
namespace {
constexpr int kShift = 46;  // 52 mantissa bits - 6 bits of sub-bucket
}  // namespace

std::uint64_t LogHistogram::key_of(double value) {
  return std::bit_cast<std::uint64_t>(value) >> kShift;
}

double LogHistogram::midpoint_of(std::uint64_t key) {
  const double lo = std::bit_cast<double>(key << kShift);
  const double hi = std::bit_cast<double>((key + 1) << kShift);
  return lo + (hi - lo) * 0.5;
}

void LogHistogram::grow_to(std::uint64_t key) {
  if (counts_.empty()) {
    base_key_ = key;
    counts_.assign(1, 0);
  } else if (key < base_key_) {
    counts_.insert(counts_.begin(), base_key_ - key, 0);
    base_key_ = key;
  } else {
    counts_.resize(key - base_key_ + 1, 0);
  }
}

void LogHistogram::add(double value, std::int64_t count) {
  XPUSIM_DEBUG_CHECK(std::isfinite(value) && value >= 0.0, "histogram value must be >= 0");
  XPUSIM_DEBUG_CHECK(count >= 0, "histogram count must be >= 0");
  if (count <= 0) return;
  const auto n = static_cast<std::uint64_t>(count);
  if (total_ == 0) {
    min_ = max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  total_ += n;
  sum_ += value * static_cast<double>(n);
  if (value <= 0.0) {
    zero_count_ += n;
    return;
  }
  const std::uint64_t key = key_of(value);
  if (counts_.empty() || key < base_key_ || key - base_key_ >= counts_.size()) grow_to(key);
  counts_[key - base_key_] += n;
}

double LogHistogram::mean() const {
  XPUSIM_CHECK(total_ > 0, "mean of an empty histogram");
  return sum_ / static_cast<double>(total_);
}

double LogHistogram::min() const {
  XPUSIM_CHECK(total_ > 0, "min of an empty histogram");
  return min_;
}

double LogHistogram::max() const {
  XPUSIM_CHECK(total_ > 0, "max of an empty histogram");
  return max_;
}

double LogHistogram::quantile(double q) const {
  XPUSIM_CHECK(total_ > 0, "quantile of an empty histogram");
  return value_at_rank(nearest_rank(q, total_));
}

double LogHistogram::value_at_rank(std::uint64_t rank) const {
  XPUSIM_CHECK(rank >= 1 && rank <= total_, "histogram rank out of range");
  if (rank <= zero_count_) return 0.0;
  std::uint64_t seen = zero_count_;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      // Clamping to the exact extremes only moves the answer closer to the true value.
      return std::clamp(midpoint_of(base_key_ + i), min_, max_);
    }
  }
  return max_;
}

nlohmann::json LogHistogram::to_json(double divisor) const {
  return distribution_json(*this, total_, divisor);
}

}  // namespace xpusim::report
