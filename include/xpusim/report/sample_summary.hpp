#pragma once
// Summary statistics of per-request values (TTFT, TPOT, E2E): exact up to a sample count, then
// streaming with a bounded relative error (docs/outputs.md, "Quantiles").
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "xpusim/core/time.hpp"
#include "xpusim/report/log_histogram.hpp"

namespace xpusim::report {

// Exact mode stores every value (8 bytes each) and answers exact nearest-rank percentiles: the
// p-quantile is the smallest sample v such that at least ceil(p * n) samples are <= v. Nearest
// rank always returns an observed value and needs no interpolation convention.
// When the count reaches `exact_limit` (or on to_streaming()), the samples move into log-bucket
// histograms (one for values >= 0, one for the magnitudes of negative values) and are freed:
// memory then depends on the range of the values, not on their count. A streaming quantile is
// the midpoint of the bucket holding the exact nearest-rank sample, so it is within
// kStreamingRelativeError (1/128) of the exact answer, relative to that answer; mean (insertion-
// order sum), max and count stay exact in both modes.
//
// Durations in whole nanoseconds (add_ns_as_seconds) are summarised as ns / 1e9 seconds, the
// same doubles add(ns / 1e9) would give, but stored in exact mode as their integers: 4 bytes
// each below 2^32 ns (~4.29 s), 8 bytes from there on. Every short one is smaller than every
// long one, so a rank falls in one of the two stores and a selection there answers it; the
// conversion to seconds is monotone, so the answers equal those of the doubles. A summary takes
// either add() or add_ns_as_seconds(), never both.
class SampleSummary {
 public:
  // 2^20 samples: 8 MiB per distribution; every shipped config and bench/e2e_1m stay exact.
  static constexpr std::size_t kDefaultExactLimit = std::size_t{1} << 20;
  static constexpr double kStreamingRelativeError = LogHistogram::kMaxRelativeError;

  SampleSummary() = default;
  explicit SampleSummary(std::size_t exact_limit) : exact_limit_(exact_limit) {}

  void add(double value);
  // Adds ns / 1e9 (ns >= 0), stored compactly (above).
  void add_ns_as_seconds(TimeNs ns);
  void reserve(std::size_t n) {
    if (exact_) values_.reserve(n);
  }

  std::size_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  bool exact() const { return exact_; }
  // Switches to streaming now (idempotent): the stored samples go into the histograms.
  void to_streaming();

  // Sum in insertion order, so the mean is the same on every run with the same inputs.
  double mean() const;
  double max() const;
  // q in [0, 1]; q = 0 gives the minimum. Precondition: !empty().
  double quantile(double q) const;

  // {mean, p50, p90, p99, max, count}; every field except count is null with zero samples.
  // Each value is divided by `divisor` (1e9 turns nanoseconds into seconds; dividing, not
  // multiplying by 1e-9, keeps 1500000000 ns printing as 1.5 rather than 1.5000000000000002).
  // A streaming summary adds "quantile_relative_error" (the bound above); an exact one does not.
  nlohmann::json to_json(double divisor = 1.0) const;

 private:
  void add_streaming(double value);
  void add_moments(double value);
  std::size_t stored() const { return values_.size() + short_ns_.size() + long_ns_.size(); }

  // Exact mode: sorted lazily on the first query; queries are rare (end of run), adds are many.
  mutable std::vector<double> values_;
  // Exact mode, add_ns_as_seconds(): durations below 2^32 ns, and the others.
  mutable std::vector<std::uint32_t> short_ns_;
  mutable std::vector<std::int64_t> long_ns_;
  enum class Input : std::uint8_t { None, Values, Nanoseconds };
  Input input_ = Input::None;
  LogHistogram positive_;  // streaming mode: values >= 0
  LogHistogram negative_;  // streaming mode: -value of values < 0
  std::size_t exact_limit_ = kDefaultExactLimit;
  std::size_t count_ = 0;
  bool exact_ = true;
  double max_ = 0;
  double sum_ = 0.0;
};

// The 1-based nearest rank of quantile q among n samples, ceil(q * n) clamped to [1, n], computed
// in integers (q is rounded to parts per million) so p90 of 10 samples is rank 9, never 10.
std::uint64_t nearest_rank(double q, std::uint64_t n);

}  // namespace xpusim::report
