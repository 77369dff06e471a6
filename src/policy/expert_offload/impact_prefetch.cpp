#include "xpusim/policy/expert_offload/impact_prefetch.hpp"

#include <algorithm>
#include <cmath>

#include "xpusim/policy/expert_offload/hybrimoe.hpp"

namespace xpusim::policy {

double hss_makespan(const std::vector<std::int64_t>& tokens, const std::vector<bool>& cached,
                    const OffloadTimes& times) {
  const OffloadLayerView view{0, 1, 1, false, tokens, cached, 0, times};
  OffloadDecision d;
  d.run.assign(tokens.size(), ExpertRun::Gpu);
  hybrid_schedule(view, d);
  double gpu = 0, pcie = 0, cpu = 0;
  bool cpu_used = false;
  for (int e : d.gpu_order) {
    if (d.run[e] == ExpertRun::FetchThenGpu) {
      pcie += times.fetch_seconds();
      gpu = std::max(gpu, pcie);
    }
    gpu += times.gpu_seconds(tokens[e]);
  }
  for (std::size_t e = 0; e < tokens.size(); ++e)
    if (tokens[e] > 0 && d.run[e] == ExpertRun::Cpu) {
      if (!cpu_used) cpu += times.cpu_start_seconds(), cpu_used = true;
      cpu += times.cpu_seconds(tokens[e]);
    }
  return std::max(gpu, cpu);
}

// The resident expert a prefetch would push out: lowest S, not one already chosen; -1 if the
// cache has room.
static int displaced(const std::vector<double>& score, const std::vector<bool>& cached,
                     const std::vector<bool>& chosen, int capacity) {
  int resident = 0, worst = -1;
  for (std::size_t e = 0; e < cached.size(); ++e) {
    if (!cached[e]) continue;
    ++resident;
    if (!chosen[e] && (worst < 0 || score[e] < score[worst])) worst = static_cast<int>(e);
  }
  return resident < capacity ? -1 : worst;
}

std::vector<int> impact_prefetch(const std::vector<double>& score,
                                 const std::vector<bool>& next_cached, int capacity,
                                 std::int64_t routed_pairs, int limit, const OffloadTimes& times) {
  const std::size_t n = score.size();
  double total = 0;
  for (double s : score) total += s;
  std::vector<int> chosen;
  if (total <= 0 || limit <= 0) return chosen;
  std::vector<std::int64_t> predicted(n, 0);
  for (std::size_t e = 0; e < n; ++e)
    predicted[e] = std::llround(score[e] / total * static_cast<double>(routed_pairs));
  std::vector<bool> cached = next_cached, is_chosen(n, false);
  double current = hss_makespan(predicted, cached, times);
  while (static_cast<int>(chosen.size()) < limit && capacity > 0) {
    const int out = displaced(score, cached, is_chosen, capacity);
    if (out >= 0) cached[out] = false;
    int best = -1;
    double best_time = current;
    for (std::size_t e = 0; e < n; ++e) {
      if (cached[e] || predicted[e] == 0 || static_cast<int>(e) == out) continue;
      cached[e] = true;
      const double t = hss_makespan(predicted, cached, times);
      cached[e] = false;
      if (t < best_time) best_time = t, best = static_cast<int>(e);
    }
    if (best < 0) {
      if (out >= 0) cached[out] = true;
      break;
    }
    cached[best] = true;
    is_chosen[best] = true;
    chosen.push_back(best);
    current = best_time;
  }
  return chosen;
}

}  // namespace xpusim::policy
