#include "xpusim/policy/expert_placement/min_max_schedule.hpp"

#include <algorithm>
#include <limits>

#include "xpusim/core/error.hpp"

namespace xpusim::policy {

namespace {

// Dinic's max-flow on a small dense-ish graph (experts + GPUs + 2 nodes).
class MaxFlow {
 public:
  explicit MaxFlow(int n) : adj_(n), level_(n), it_(n) {}
  int add_edge(int u, int v, std::int64_t cap) {
    adj_[u].push_back(static_cast<int>(edges_.size()));
    edges_.push_back({v, cap});
    adj_[v].push_back(static_cast<int>(edges_.size()));
    edges_.push_back({u, 0});
    return static_cast<int>(edges_.size()) - 2;
  }
  std::int64_t flow_on(int edge) const { return edges_[edge ^ 1].cap; }
  std::int64_t run(int s, int t) {
    std::int64_t total = 0;
    while (bfs(s, t)) {
      std::fill(it_.begin(), it_.end(), 0);
      while (std::int64_t f = dfs(s, t, std::numeric_limits<std::int64_t>::max())) total += f;
    }
    return total;
  }

 private:
  struct Edge {
    int to;
    std::int64_t cap;
  };
  bool bfs(int s, int t) {
    std::fill(level_.begin(), level_.end(), -1);
    std::vector<int> queue{s};
    level_[s] = 0;
    for (std::size_t i = 0; i < queue.size(); ++i)
      for (int id : adj_[queue[i]])
        if (edges_[id].cap > 0 && level_[edges_[id].to] < 0) {
          level_[edges_[id].to] = level_[queue[i]] + 1;
          queue.push_back(edges_[id].to);
        }
    return level_[t] >= 0;
  }
  std::int64_t dfs(int u, int t, std::int64_t f) {
    if (u == t) return f;
    for (; it_[u] < static_cast<int>(adj_[u].size()); ++it_[u]) {
      Edge& e = edges_[adj_[u][it_[u]]];
      if (e.cap <= 0 || level_[e.to] != level_[u] + 1) continue;
      const std::int64_t got = dfs(e.to, t, std::min(f, e.cap));
      if (got > 0) {
        e.cap -= got;
        edges_[adj_[u][it_[u]] ^ 1].cap += got;
        return got;
      }
    }
    return 0;
  }
  std::vector<std::vector<int>> adj_;
  std::vector<Edge> edges_;
  std::vector<int> level_, it_;
};

struct Holders {
  std::vector<std::vector<int>> gpus;  // per expert, the distinct GPUs holding it
};

Holders holders_of(const EpShape& shape, const ExpertLayout& layout) {
  Holders h{std::vector<std::vector<int>>(shape.experts)};
  for (int s = 0; s < shape.slots(); ++s) {
    const int e = layout.phy2log[s];
    if (e < 0) continue;
    const int g = shape.gpu_of_slot(s);
    if (std::find(h.gpus[e].begin(), h.gpus[e].end(), g) == h.gpus[e].end()) h.gpus[e].push_back(g);
  }
  return h;
}

// Runs the flow with GPU capacity `bound`; fills `out` when every token is placed.
bool feasible(const EpShape& shape, const Holders& h, std::span<const std::int64_t> loads,
              std::int64_t total, std::int64_t bound, TokenSchedule* out) {
  const int src = shape.experts + shape.gpus, sink = src + 1;
  MaxFlow flow(sink + 1);
  std::vector<std::vector<std::pair<int, int>>> edges(shape.experts);  // (gpu, edge id)
  for (int e = 0; e < shape.experts; ++e) {
    if (loads[e] == 0) continue;
    flow.add_edge(src, e, loads[e]);
    for (int g : h.gpus[e]) edges[e].push_back({g, flow.add_edge(e, shape.experts + g, loads[e])});
  }
  for (int g = 0; g < shape.gpus; ++g) flow.add_edge(shape.experts + g, sink, bound);
  if (flow.run(src, sink) != total) return false;
  if (out) {
    out->tokens.assign(shape.experts, std::vector<std::int64_t>(shape.gpus, 0));
    out->gpu_tokens.assign(shape.gpus, 0);
    for (int e = 0; e < shape.experts; ++e)
      for (const auto& [g, id] : edges[e]) {
        out->tokens[e][g] = flow.flow_on(id);
        out->gpu_tokens[g] += flow.flow_on(id);
      }
    out->max_gpu_tokens = *std::max_element(out->gpu_tokens.begin(), out->gpu_tokens.end());
  }
  return true;
}

}  // namespace

TokenSchedule min_max_schedule(const EpShape& shape, const ExpertLayout& layout,
                               std::span<const std::int64_t> loads) {
  const Holders h = holders_of(shape, layout);
  std::int64_t total = 0;
  for (int e = 0; e < shape.experts; ++e) {
    XPUSIM_CHECK(loads[e] == 0 || !h.gpus[e].empty(), "min_max_schedule: expert without a replica");
    total += loads[e];
  }
  // The answer lies between the perfectly even share and the total.
  std::int64_t lo = (total + shape.gpus - 1) / shape.gpus, hi = std::max<std::int64_t>(total, lo);
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (feasible(shape, h, loads, total, mid, nullptr))
      hi = mid;
    else
      lo = mid + 1;
  }
  TokenSchedule out;
  const bool ok = feasible(shape, h, loads, total, lo, &out);
  XPUSIM_CHECK(ok, "min_max_schedule: bound found infeasible");
  return out;
}

}  // namespace xpusim::policy
