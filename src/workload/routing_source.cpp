#include "xpusim/workload/routing_source.hpp"

#include <algorithm>
#include <numeric>

namespace xpusim::workload {

void rescale_loads(ExpertLoads& loads, std::int64_t total) {
  for (auto& layer : loads) {
    const std::size_t n = layer.size();
    if (n == 0) continue;
    const std::int64_t sum = std::accumulate(layer.begin(), layer.end(), std::int64_t{0});
    std::vector<double> share(n, 1.0 / static_cast<double>(n));
    if (sum > 0)
      for (std::size_t e = 0; e < n; ++e)
        share[e] = static_cast<double>(layer[e]) / static_cast<double>(sum);
    std::int64_t given = 0;
    std::vector<std::pair<double, std::size_t>> rest(n);
    for (std::size_t e = 0; e < n; ++e) {
      const double exact = share[e] * static_cast<double>(total);
      layer[e] = static_cast<std::int64_t>(exact);
      given += layer[e];
      rest[e] = {exact - static_cast<double>(layer[e]), e};
    }
    // Largest remainders first; equal remainders to the lower index.
    std::stable_sort(rest.begin(), rest.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = 0; given < total && i < n; ++i, ++given) ++layer[rest[i].second];
  }
}

void RoutingSource::next_sized(ExpertLoads& out, std::int64_t tokens, int top_k) {
  next(out);
  rescale_loads(out, tokens * top_k);
}

}  // namespace xpusim::workload
