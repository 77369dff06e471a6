#pragma once
#include "xpusim/workload/length_distribution.hpp"

namespace xpusim::workload {

// Every request has the same length: for controlled experiments that remove length variance.
class FixedLength final : public LengthDistribution {
 public:
  explicit FixedLength(std::int32_t value) : value_(value) {}
  std::int32_t sample(RngStream&) override { return value_; }

 private:
  std::int32_t value_;
};

}  // namespace xpusim::workload
