#include "xpusim/systems/offload_layers.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

OffloadLayers::OffloadLayers(int layers, int experts, int capacity, int top_k,
                             const std::vector<std::vector<int>>& warm)
    : capacity_(capacity), top_k_(top_k) {
  XPUSIM_CHECK(capacity_ >= 0 && capacity_ <= experts, "cache capacity out of range");
  cached_.assign(layers, std::vector<bool>(experts, false));
  ready_at_.assign(layers, std::vector<double>(experts, 0.0));
  for (std::size_t l = 0; l < cached_.size(); ++l) {
    if (warm.empty()) {
      for (int i = 0; i < capacity_; ++i) cached_[l][i] = true;
      continue;
    }
    XPUSIM_CHECK(warm.size() == cached_.size() && static_cast<int>(warm[l].size()) <= capacity_,
                 "warm cache does not fit the layers or the capacity");
    for (int i : warm[l]) cached_[l][i] = true;
  }
}

void OffloadLayers::insert(int layer, int expert, double ready_at, const std::vector<bool>& keep,
                           policy::ExpertOffloadPolicy& policy) {
  std::vector<bool>& c = cached_[layer];
  if (c[expert] || capacity_ == 0) return;
  if (std::count(c.begin(), c.end(), true) >= capacity_) {
    const int v = policy.victim(layer, c, keep);
    if (v < 0) return;
    c[v] = false;
  }
  c[expert] = true;
  ready_at_[layer][expert] = ready_at;
}

double OffloadLayers::copy(double t0, const OffloadCostModel& cost, OffloadIterationRecord& rec) {
  const double begin = std::max(pcie_free_, t0);
  pcie_free_ = begin + cost.fetch_seconds();
  rec.pcie_s += cost.fetch_seconds();
  return pcie_free_;
}

double OffloadLayers::cpu_pass(std::span<const std::int64_t> tokens,
                               const policy::OffloadDecision& d, double t0,
                               const OffloadCostModel& cost, OffloadIterationRecord& rec) {
  double cpu = t0;
  bool cpu_used = false;
  for (std::size_t e = 0; e < tokens.size(); ++e) {
    if (tokens[e] == 0) continue;
    ++rec.activated;
    rec.routed_pairs += tokens[e];
    if (d.run[e] == policy::ExpertRun::Cpu) {
      if (!cpu_used) cpu += cost.cpu_start_seconds(), cpu_used = true;
      cpu += cost.cpu_seconds(tokens[e]);
      ++rec.on_cpu;
      rec.cpu_pairs += tokens[e];
    } else if (d.run[e] == policy::ExpertRun::Substitute) {
      ++rec.substituted;
      rec.substituted_pairs += tokens[e];
    }
  }
  rec.cpu_expert_s += cpu - t0;
  return cpu;
}

void OffloadLayers::count_mass(const policy::OffloadLayerView& view,
                               const policy::OffloadDecision& d,
                               OffloadIterationRecord& rec) const {
  const std::size_t n = view.tokens.size();
  std::vector<double> mass(n, 0.0);
  if (view.token_experts.empty()) {
    for (std::size_t e = 0; e < n; ++e)
      mass[e] = static_cast<double>(view.tokens[e]) / static_cast<double>(top_k_);
  } else {
    for (std::size_t i = 0; i < view.token_experts.size(); ++i)
      mass[view.token_experts[i]] += view.token_scores[i];
  }
  for (std::size_t e = 0; e < n; ++e) {
    if (view.tokens[e] == 0) continue;
    rec.routed_mass += mass[e];
    if (d.run[e] != policy::ExpertRun::Substitute) continue;
    const double sim = d.similarity.empty() ? 0.0 : d.similarity[e];
    rec.substituted_mass += mass[e];
    rec.substituted_loss += mass[e] * (1.0 - sim);
  }
}

double OffloadLayers::run_layer(int layer, std::span<const std::int64_t> tokens, double start,
                                double dense_s, bool prefill, const OffloadCostModel& cost,
                                policy::ExpertOffloadPolicy& policy, OffloadIterationRecord& rec,
                                const workload::TokenRoutes* routes) {
  const int n = static_cast<int>(tokens.size());
  const int layers = this->layers();
  const std::vector<bool>* next = layer + 1 < layers ? &cached_[layer + 1] : nullptr;
  policy::OffloadLayerView view{layer,          layers,    top_k_, prefill, tokens,
                                cached_[layer], capacity_, cost,   next};
  if (routes != nullptr) {
    XPUSIM_CHECK(routes->top_k == top_k_, "token routes with another top_k");
    view.token_experts = routes->experts[layer];
    view.token_scores = routes->scores[layer];
  }
  const policy::OffloadDecision d = policy.schedule(view);
  count_mass(view, d, rec);
  const double t0 = start + dense_s;
  std::vector<bool> keep(n, false);
  for (int e = 0; e < n; ++e) keep[e] = tokens[e] > 0;
  const double cpu = cpu_pass(tokens, d, t0, cost, rec);
  double gpu = t0;
  const double gpu_start = gpu;
  std::vector<int> fetched;
  double waited = 0;  // GPU idle waiting for copies
  for (int e : d.gpu_order) {
    const double before = gpu;
    if (d.run[e] == policy::ExpertRun::FetchThenGpu) {
      gpu = std::max(gpu, copy(t0, cost, rec));
      fetched.push_back(e);
      ++rec.fetched;
    } else {
      XPUSIM_CHECK(cached_[layer][e], "offload policy ran a non-resident expert from the cache");
      gpu = std::max(gpu, ready_at_[layer][e]);  // a prefetch still in flight
      ++rec.hits;
    }
    waited += gpu - before;
    gpu += cost.gpu_seconds(tokens[e]);
  }
  for (int e = 0; e < n; ++e)
    if (tokens[e] > 0 && d.run[e] == policy::ExpertRun::Substitute) {
      const int buddy = d.substitute[e];
      XPUSIM_CHECK(buddy >= 0 && cached_[layer][buddy], "offload policy substituted a non-resident buddy");
      const double before = gpu;
      gpu = std::max(gpu, ready_at_[layer][buddy]);  // a buddy still being prefetched
      waited += gpu - before;
      gpu += cost.gpu_seconds(tokens[e]);
    }
  rec.gpu_expert_s += gpu - gpu_start - waited;
  if (d.cache_fetched)
    for (int e : fetched) insert(layer, e, 0.0, keep, policy);
  // Prefetches for the next layer share the host link behind this layer's demand fetches.
  if (layer + 1 < layers) {
    std::vector<bool> keep_next(n, false);
    for (int e : d.prefetch_next) keep_next[e] = true;
    for (int e : d.prefetch_next) {
      if (cached_[layer + 1][e]) continue;
      insert(layer + 1, e, copy(t0, cost, rec), keep_next, policy);
      ++rec.prefetched;
    }
  }
  policy.on_layer_done(view);
  ++layer_passes_;
  return std::max(gpu, cpu);
}

std::vector<std::vector<int>> hottest_experts(workload::RoutingSource& routing, int iterations,
                                              int capacity, std::int64_t tokens, int top_k) {
  const int layers = routing.layers(), experts = routing.experts();
  std::vector<std::vector<double>> total(layers, std::vector<double>(experts, 0.0));
  workload::ExpertLoads loads;
  for (int it = 0; it < iterations; ++it) {
    if (tokens > 0)
      routing.next_sized(loads, tokens, top_k);
    else
      routing.next(loads);
    for (int l = 0; l < layers; ++l)
      for (int e = 0; e < experts; ++e) total[l][e] += static_cast<double>(loads[l][e]);
  }
  std::vector<std::vector<int>> warm(layers);
  for (int l = 0; l < layers; ++l) {
    std::vector<int> order(experts);
    for (int e = 0; e < experts; ++e) order[e] = e;
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return total[l][a] > total[l][b]; });
    order.resize(std::min(experts, capacity));
    warm[l] = std::move(order);
  }
  return warm;
}

}  // namespace xpusim::systems
