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

namespace {
constexpr std::int64_t kShortNsEnd = std::int64_t{1} << 32;
double ns_seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }
}  // namespace

void SampleSummary::add_moments(double value) {
  XPUSIM_DEBUG_CHECK(std::isfinite(value), "sample must be finite");
  max_ = count_ == 0 ? value : std::max(max_, value);
  ++count_;
  sum_ += value;
}

void SampleSummary::add(double value) {
  XPUSIM_CHECK(input_ != Input::Nanoseconds, "SampleSummary: add() after add_ns_as_seconds()");
  input_ = Input::Values;
  add_moments(value);
  if (!exact_) return add_streaming(value);
  values_.push_back(value);
  if (values_.size() >= exact_limit_) to_streaming();
}

void SampleSummary::add_ns_as_seconds(TimeNs ns) {
  XPUSIM_CHECK(input_ != Input::Values, "SampleSummary: add_ns_as_seconds() after add()");
  XPUSIM_CHECK(ns >= 0, "SampleSummary: negative duration");
  input_ = Input::Nanoseconds;
  const double value = ns_seconds(ns);
  add_moments(value);
  if (!exact_) return add_streaming(value);
  if (ns < kShortNsEnd)
    short_ns_.push_back(static_cast<std::uint32_t>(ns));
  else
    long_ns_.push_back(ns);
  if (stored() >= exact_limit_) to_streaming();
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
  for (const std::uint32_t ns : short_ns_) add_streaming(ns_seconds(ns));
  for (const std::int64_t ns : long_ns_) add_streaming(ns_seconds(ns));
  // Release the memory, not only the size.
  std::vector<double>().swap(values_);
  std::vector<std::uint32_t>().swap(short_ns_);
  std::vector<std::int64_t>().swap(long_ns_);
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
  auto k = static_cast<std::ptrdiff_t>(rank - 1);
  if (input_ != Input::Nanoseconds) {
    std::nth_element(values_.begin(), values_.begin() + k, values_.end());
    return values_[static_cast<std::size_t>(k)];
  }
  const auto shorts = static_cast<std::ptrdiff_t>(short_ns_.size());
  if (k < shorts) {
    std::nth_element(short_ns_.begin(), short_ns_.begin() + k, short_ns_.end());
    return ns_seconds(short_ns_[static_cast<std::size_t>(k)]);
  }
  k -= shorts;
  std::nth_element(long_ns_.begin(), long_ns_.begin() + k, long_ns_.end());
  return ns_seconds(long_ns_[static_cast<std::size_t>(k)]);
}

nlohmann::json SampleSummary::to_json(double divisor) const {
  nlohmann::json j = distribution_json(*this, count_, divisor);
  if (!exact_) j["quantile_relative_error"] = kStreamingRelativeError;
  return j;
}

}  // namespace xpusim::report
