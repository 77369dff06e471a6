#pragma once
#include "xpusim/workload/length_distribution.hpp"

namespace xpusim::workload {

// Lognormal lengths given by their mean and coefficient of variation (the figures papers
// report), rounded to the nearest integer and clamped into [min, max].
class LognormalLength final : public LengthDistribution {
 public:
  LognormalLength(double mean, double cv, std::int32_t min, std::int32_t max);
  std::int32_t sample(RngStream& rng) override;
  double mu() const { return mu_; }
  double sigma() const { return sigma_; }

 private:
  double mu_;
  double sigma_;
  std::int32_t min_;
  std::int32_t max_;
};

}  // namespace xpusim::workload
