#pragma once
// Exact summary statistics of per-request values (TTFT, TPOT, E2E): keeps every sample.
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace xpusim::report {

// Stores every value (8 bytes each) and answers exact nearest-rank percentiles: the p-quantile
// is the smallest sample v such that at least ceil(p * n) samples are <= v. Nearest rank always
// returns an observed value and needs no interpolation convention.
class SampleSummary {
 public:
  void add(double value);
  void reserve(std::size_t n) { values_.reserve(n); }

  std::size_t count() const { return values_.size(); }
  bool empty() const { return values_.empty(); }
  // Sum in insertion order, so the mean is the same on every run with the same inputs.
  double mean() const;
  double max() const;
  // q in [0, 1]; q = 0 gives the minimum. Precondition: !empty().
  double quantile(double q) const;

  // {mean, p50, p90, p99, max, count}; every field except count is null with zero samples.
  // Each value is divided by `divisor` (1e9 turns nanoseconds into seconds; dividing, not
  // multiplying by 1e-9, keeps 1500000000 ns printing as 1.5 rather than 1.5000000000000002).
  nlohmann::json to_json(double divisor = 1.0) const;

 private:

  // Sorted lazily on the first query; queries are rare (end of run), adds are many.
  mutable std::vector<double> values_;
  double max_ = 0;
  double sum_ = 0.0;
};

// The 1-based nearest rank of quantile q among n samples, ceil(q * n) clamped to [1, n], computed
// in integers (q is rounded to parts per million) so p90 of 10 samples is rank 9, never 10.
std::uint64_t nearest_rank(double q, std::uint64_t n);

}  // namespace xpusim::report
