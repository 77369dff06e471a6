#include "xpusim/experiments/nelder_mead.hpp"

#include <algorithm>
#include <numeric>

#include "xpusim/core/error.hpp"

namespace xpusim::experiments {
namespace {

struct Vertex {
  std::vector<double> u;  // unit-box coordinates
  double value = 0;
};

}  // namespace

BoxMinimum minimise_in_box(const std::function<double(const std::vector<double>&)>& f,
                           std::vector<double> start, const std::vector<double>& lower,
                           const std::vector<double>& upper, const NelderMeadOptions& o) {
  const std::size_t n = start.size();
  if (n == 0 || lower.size() != n || upper.size() != n)
    throw Error("minimise_in_box: start and bounds must have the same, non-zero size");
  for (std::size_t i = 0; i < n; ++i)
    if (!(upper[i] > lower[i])) throw Error("minimise_in_box: empty box");
  BoxMinimum best;
  const auto to_x = [&](const std::vector<double>& u) {
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i)
      x[i] = lower[i] + std::clamp(u[i], 0.0, 1.0) * (upper[i] - lower[i]);
    return x;
  };
  const auto eval = [&](std::vector<double> u) {
    for (double& c : u) c = std::clamp(c, 0.0, 1.0);
    const auto x = to_x(u);
    const double v = f(x);
    ++best.evaluations;
    if (best.x.empty() || v < best.value) best = {x, v, best.evaluations};
    return Vertex{std::move(u), v};
  };
  std::vector<double> u0(n);
  for (std::size_t i = 0; i < n; ++i)
    u0[i] = std::clamp((start[i] - lower[i]) / (upper[i] - lower[i]), 0.0, 1.0);
  std::vector<Vertex> s{eval(u0)};
  for (std::size_t i = 0; i < n; ++i) {
    auto u = u0;
    u[i] += u[i] + o.initial_step <= 1.0 ? o.initial_step : -o.initial_step;
    s.push_back(eval(u));
  }
  const auto blend = [&](const std::vector<double>& a, const std::vector<double>& b, double t) {
    std::vector<double> r(n);
    for (std::size_t i = 0; i < n; ++i) r[i] = a[i] + t * (b[i] - a[i]);
    return r;
  };
  while (best.evaluations < o.max_evaluations) {
    std::stable_sort(s.begin(), s.end(), [](const Vertex& a, const Vertex& b) {
      return a.value < b.value;
    });
    if (s.back().value - s.front().value < o.tolerance) break;
    std::vector<double> centroid(n, 0.0);
    for (std::size_t k = 0; k < n; ++k)
      for (std::size_t i = 0; i < n; ++i) centroid[i] += s[k].u[i] / double(n);
    const Vertex refl = eval(blend(centroid, s.back().u, -1.0));
    if (refl.value < s.front().value) {
      const Vertex exp = eval(blend(centroid, s.back().u, -2.0));
      s.back() = exp.value < refl.value ? exp : refl;
    } else if (refl.value < s[n - 1].value) {
      s.back() = refl;
    } else {
      const Vertex con = eval(blend(centroid, s.back().u, 0.5));
      if (con.value < s.back().value) {
        s.back() = con;
      } else {  // shrink towards the best vertex
        for (std::size_t k = 1; k <= n && best.evaluations < o.max_evaluations; ++k)
          s[k] = eval(blend(s.front().u, s[k].u, 0.5));
      }
    }
  }
  return best;
}

}  // namespace xpusim::experiments
