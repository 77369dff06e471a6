#include "xpusim/systems/offload_runner.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

OffloadCostModel::OffloadCostModel(const model::ModelSpec& model, const hw::DeviceSpec& device,
                                   CpuSpec cpu, double pcie_bw_bytes_per_s, double pcie_latency_s,
                                   bool prefill, int seq_len)
    : gpu_(model, device, policy::EpShape{model.num_experts, 1, 1, model.num_experts}, EpLinks{},
           prefill, seq_len),
      cpu_(cpu),
      pcie_bw_(pcie_bw_bytes_per_s),
      pcie_latency_(pcie_latency_s),
      expert_bytes_(gpu_.expert_bytes()),
      flops_per_token_(2.0 * model.expert_params()) {
  if (pcie_bw_ <= 0) throw Error("offload needs a host link: pcie bandwidth must be > 0");
}

double OffloadCostModel::gpu_seconds(std::int64_t tokens) const {
  return gpu_.expert_seconds(static_cast<double>(tokens), 1);
}

double OffloadCostModel::cpu_seconds(std::int64_t tokens) const {
  if (tokens <= 0) return 0.0;
  return std::max(tokens * flops_per_token_ / cpu_.flops,
                  expert_bytes_ / cpu_.memory_bw_bytes_per_s);
}

double OffloadCostModel::fetch_seconds() const { return expert_bytes_ / pcie_bw_ + pcie_latency_; }

OffloadRunner::OffloadRunner(OffloadRunConfig config, const OffloadCostModel& cost,
                             workload::RoutingSource& routing, policy::ExpertOffloadPolicy& policy,
                             OffloadObserver& observer)
    : config_(config), cost_(cost), routing_(routing), policy_(policy), observer_(observer) {
  // Warm start: each layer's cache holds its lowest-numbered experts.
  const int e = routing.experts();
  XPUSIM_CHECK(config_.capacity >= 0 && config_.capacity <= e, "cache capacity out of range");
  cached_.assign(routing.layers(), std::vector<bool>(e, false));
  ready_at_.assign(routing.layers(), std::vector<double>(e, 0.0));
  for (std::size_t l = 0; l < cached_.size(); ++l) {
    if (config_.warm.empty()) {
      for (int i = 0; i < config_.capacity; ++i) cached_[l][i] = true;
      continue;
    }
    XPUSIM_CHECK(config_.warm.size() == cached_.size() &&
                     static_cast<int>(config_.warm[l].size()) <= config_.capacity,
                 "warm cache does not fit the layers or the capacity");
    for (int i : config_.warm[l]) cached_[l][i] = true;
  }
}

TimeNs OffloadRunner::run() {
  workload::ExpertLoads loads;
  for (int it = 0; it < config_.iterations; ++it) {
    if (config_.horizon_s > 0 && now_ >= config_.horizon_s) break;
    routing_.next(loads);
    OffloadIterationRecord rec;
    rec.iteration = it;
    rec.tokens = config_.tokens_per_iteration;
    const double start = now_;
    for (int l = 0; l < routing_.layers(); ++l) now_ = run_layer(l, loads[l], now_, rec);
    rec.time_ns = seconds_to_ns(now_) - seconds_to_ns(start);
    ++done_;
    observer_.on_iteration(rec);
  }
  return seconds_to_ns(now_);
}

// Puts `expert` in the layer's cache, evicting the policy's victim when full (never one of
// `keep`); gives up when every resident expert is kept.
void OffloadRunner::insert(int layer, int expert, double ready_at, const std::vector<bool>& keep) {
  std::vector<bool>& c = cached_[layer];
  if (c[expert] || config_.capacity == 0) return;
  if (std::count(c.begin(), c.end(), true) >= config_.capacity) {
    const int v = policy_.victim(layer, c, keep);
    if (v < 0) return;
    c[v] = false;
  }
  c[expert] = true;
  ready_at_[layer][expert] = ready_at;
}

double OffloadRunner::run_layer(int layer, const std::vector<std::int64_t>& tokens, double start,
                                OffloadIterationRecord& rec) {
  const int n = routing_.experts();
  const std::vector<bool>* next =
      layer + 1 < routing_.layers() ? &cached_[layer + 1] : nullptr;
  const policy::OffloadLayerView view{layer,  routing_.layers(), config_.top_k,    config_.prefill,
                                      tokens, cached_[layer],    config_.capacity, cost_,
                                      next};
  const policy::OffloadDecision d = policy_.schedule(view);
  const double t0 = start + cost_.dense_seconds(config_.tokens_per_iteration);
  std::vector<bool> keep(n, false);
  for (int e = 0; e < n; ++e) keep[e] = tokens[e] > 0;
  double gpu = t0, cpu = t0;
  bool cpu_used = false;
  for (int e = 0; e < n; ++e) {
    if (tokens[e] == 0) continue;
    ++rec.activated;
    rec.routed_pairs += tokens[e];
    if (d.run[e] == policy::ExpertRun::Cpu) {
      if (!cpu_used) cpu += cost_.cpu_start_seconds(), cpu_used = true;
      cpu += cost_.cpu_seconds(tokens[e]);
      ++rec.on_cpu;
    } else if (d.run[e] == policy::ExpertRun::Substitute) {
      ++rec.substituted;
      rec.substituted_pairs += tokens[e];
    }
  }
  std::vector<int> fetched;
  for (int e : d.gpu_order) {
    if (d.run[e] == policy::ExpertRun::FetchThenGpu) {
      const double begin = std::max(pcie_free_, t0);
      pcie_free_ = begin + cost_.fetch_seconds();
      gpu = std::max(gpu, pcie_free_);
      fetched.push_back(e);
      ++rec.fetched;
    } else {
      XPUSIM_CHECK(cached_[layer][e], "offload policy ran a non-resident expert from the cache");
      gpu = std::max(gpu, ready_at_[layer][e]);  // a prefetch still in flight
      ++rec.hits;
    }
    gpu += cost_.gpu_seconds(tokens[e]);
  }
  for (int e = 0; e < n; ++e)
    if (tokens[e] > 0 && d.run[e] == policy::ExpertRun::Substitute)
      gpu += cost_.gpu_seconds(tokens[e]);
  if (d.cache_fetched)
    for (int e : fetched) insert(layer, e, 0.0, keep);
  // Prefetches for the next layer share the host link behind this layer's demand fetches.
  if (layer + 1 < routing_.layers()) {
    std::vector<bool> keep_next(n, false);
    for (int e : d.prefetch_next) keep_next[e] = true;
    for (int e : d.prefetch_next) {
      if (cached_[layer + 1][e]) continue;
      const double begin = std::max(pcie_free_, t0);
      pcie_free_ = begin + cost_.fetch_seconds();
      insert(layer + 1, e, pcie_free_, keep_next);
      ++rec.prefetched;
    }
  }
  policy_.on_layer_done(view);
  ++layer_passes_;
  return std::max(gpu, cpu);
}

}  // namespace xpusim::systems
