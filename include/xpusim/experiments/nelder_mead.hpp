#pragma once
// Nelder–Mead simplex minimisation inside a box: points are clamped to [lower, upper] in each
// coordinate before the objective sees them. Deterministic: same inputs, same sequence of
// evaluations.
#include <functional>
#include <vector>

namespace xpusim::experiments {

struct BoxMinimum {
  std::vector<double> x;
  double value = 0;
  int evaluations = 0;
};

struct NelderMeadOptions {
  int max_evaluations = 100;
  double initial_step = 0.25;  // simplex edge, as a fraction of each coordinate's range
  double tolerance = 1e-6;     // stop when best and worst values differ by less
};

// Contract: minimises `f` over the box from `start` (clamped into it); returns the best point
// seen and its value; never evaluates f outside the box or more than max_evaluations times.
BoxMinimum minimise_in_box(const std::function<double(const std::vector<double>&)>& f,
                           std::vector<double> start, const std::vector<double>& lower,
                           const std::vector<double>& upper, const NelderMeadOptions& options);

}  // namespace xpusim::experiments
