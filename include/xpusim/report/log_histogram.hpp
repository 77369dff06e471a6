#pragma once
// Weighted histogram with log-spaced buckets for per-token samples (TBT): memory depends on the
// range of the values, never on how many were added.
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace xpusim::report {

// Buckets are the binary octaves of a double split into 64 equal sub-buckets: the key of a
// positive value is its IEEE-754 bits shifted right by 46 (exponent + top 6 mantissa bits). That
// is exact (no log(), so the same bucket on every toolchain), monotone, and a bucket [lo, hi) has
// hi - lo = lo / 64 at most, so reporting its midpoint errs by at most 1/128 (0.78%) relative.
// Quantiles are nearest-rank over the weighted counts; mean, min and max are exact. Values <= 0
// go to a separate zero bucket. A range of 1 ns .. 1000 s uses 40 octaves, i.e. 2,560 buckets.
class LogHistogram {
 public:
  static constexpr double kMaxRelativeError = 1.0 / 128.0;

  // Adds `count` samples equal to `value` (>= 0, finite). Allocates only when a value falls
  // outside the range of buckets seen so far.
  void add(double value, std::int64_t count = 1);

  std::uint64_t count() const { return total_; }
  bool empty() const { return total_ == 0; }
  double mean() const;  // exact up to the rounding of a double sum
  double min() const;
  double max() const;
  // q in [0, 1], nearest-rank; relative error <= kMaxRelativeError. Precondition: !empty().
  double quantile(double q) const;
  // The value of the `rank`-th smallest sample (1-based), within kMaxRelativeError of it.
  // Precondition: 1 <= rank <= count().
  double value_at_rank(std::uint64_t rank) const;
  std::size_t bucket_count() const { return counts_.size(); }

  // {mean, p50, p90, p99, max, count}; all but count are null when empty. Values are divided by
  // `divisor` (1e9 turns nanoseconds into seconds).
  nlohmann::json to_json(double divisor = 1.0) const;

 private:
  static std::uint64_t key_of(double value);
  static double midpoint_of(std::uint64_t key);
  void grow_to(std::uint64_t key);

  std::vector<std::uint64_t> counts_;  // counts_[i] belongs to key base_key_ + i
  std::uint64_t base_key_ = 0;
  std::uint64_t zero_count_ = 0;
  std::uint64_t total_ = 0;
  double sum_ = 0.0;
  double min_ = 0.0;
  double max_ = 0.0;
};

}  // namespace xpusim::report
