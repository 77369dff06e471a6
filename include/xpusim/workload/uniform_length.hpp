#pragma once
#include "xpusim/workload/length_distribution.hpp"

namespace xpusim::workload {

// Lengths drawn uniformly from [min, max], both ends included.
class UniformLength final : public LengthDistribution {
 public:
  UniformLength(std::int32_t min, std::int32_t max) : min_(min), max_(max) {}
  std::int32_t sample(RngStream& rng) override {
    return static_cast<std::int32_t>(rng.uniform_int(min_, max_));
  }

 private:
  std::int32_t min_;
  std::int32_t max_;
};

}  // namespace xpusim::workload
