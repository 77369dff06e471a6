// Box-constrained Nelder–Mead: known minima inside the box and on its boundary.
#include "xpusim/experiments/nelder_mead.hpp"

#include <gtest/gtest.h>

namespace xpusim::experiments {
namespace {

TEST(NelderMead, FindsAnInteriorMinimumOfAQuadratic) {
  // (x - 3)^2 + 10 (y + 1)^2 + 2, minimum 2 at (3, -1).
  const auto f = [](const std::vector<double>& x) {
    return (x[0] - 3) * (x[0] - 3) + 10 * (x[1] + 1) * (x[1] + 1) + 2;
  };
  NelderMeadOptions o;
  o.max_evaluations = 400;
  o.tolerance = 1e-12;
  const auto m = minimise_in_box(f, {0, 0}, {-10, -10}, {10, 10}, o);
  EXPECT_NEAR(m.x[0], 3, 1e-3);
  EXPECT_NEAR(m.x[1], -1, 1e-3);
  EXPECT_NEAR(m.value, 2, 1e-6);
  EXPECT_LE(m.evaluations, 400);
}

TEST(NelderMead, StaysInsideTheBoxAndFindsABoundaryMinimum) {
  // Unconstrained minimum at x = -5, outside [0, 4]: the box minimum is x = 0.
  int outside = 0;
  const auto f = [&](const std::vector<double>& x) {
    if (x[0] < 0 || x[0] > 4) ++outside;
    return (x[0] + 5) * (x[0] + 5);
  };
  NelderMeadOptions o;
  o.max_evaluations = 100;
  const auto m = minimise_in_box(f, {2}, {0}, {4}, o);
  EXPECT_EQ(outside, 0);
  EXPECT_NEAR(m.x[0], 0, 1e-9);
  EXPECT_LE(m.evaluations, 100);
}

}  // namespace
}  // namespace xpusim::experiments
