#include "xpusim/policy/expert_offload/hybrimoe.hpp"

#include <algorithm>
#include <deque>

#include "xpusim/policy/expert_offload/impact_prefetch.hpp"

namespace xpusim::policy {

const ParamBinding<HybriMoeConfig>& HybriMoe::binding() {
  using C = HybriMoeConfig;
  static const auto b =
      ParamBinding<C>()
          .real(XPUSIM_KEY(C, alpha), "",
                "weight of the newest routing score in an expert's cache score S",
                {.min = 0, .max = 1})
          .integer(XPUSIM_KEY(C, score_top_p), "",
                   "experts whose S takes the new score per gate; 0 = 2 x top_k",
                   {.min = 0, .max = 100000})
          .integer(XPUSIM_KEY(C, prefetch), "",
                   "next-layer experts (highest S) prefetched while a layer runs",
                   {.min = 0, .max = 100000})
          .boolean(XPUSIM_KEY(C, hss_in_prefill),
                   "split experts between CPU and GPU in prefill too (the paper); the code sends "
                   "all prefill experts to the GPU")
          .choice("prefetch_rule", &C::impact_prefetch, {{"score", false}, {"impact", true}},
                  "score: the `prefetch` highest-S experts of the next layer (the code); impact: "
                  "up to `prefetch` experts chosen by how much each shortens the predicted next "
                  "layer (the paper's idea, our rule; docs/moe.md)");
  return b;
}

void hybrid_schedule(const OffloadLayerView& view, OffloadDecision& d) {
  const auto& n = view.tokens;
  std::vector<int> cached, missing;
  for (std::size_t e = 0; e < n.size(); ++e) {
    if (n[e] == 0) continue;
    (view.cached[e] ? cached : missing).push_back(static_cast<int>(e));
  }
  auto by_tokens = [&](int a, int b) { return n[a] > n[b]; };
  std::stable_sort(cached.begin(), cached.end(), by_tokens);
  std::stable_sort(missing.begin(), missing.end(), by_tokens);
  std::deque<int> sorted(cached.begin(), cached.end());
  sorted.insert(sorted.end(), missing.begin(), missing.end());
  double tg = 0, tc = 0, tm = 0;  // GPU, CPU and PCIe busy-until times
  bool cpu_empty = true;          // the code's GPU intercept is 0, so only the CPU has one
  while (!sorted.empty()) {
    const int f = sorted.front(), l = sorted.back();
    double g = view.times.gpu_seconds(n[f]);
    const double c =
        view.times.cpu_seconds(n[l]) + (cpu_empty ? view.times.cpu_start_seconds() : 0.0);
    const bool f_missing = !view.cached[f];
    const double m = f_missing ? view.times.fetch_seconds() : 0.0;
    if (f_missing && tm + m > tg) g += tm + m - tg;  // the GPU waits for the PCIe copy
    if (tg + g <= tc + c) {
      d.run[f] = f_missing ? ExpertRun::FetchThenGpu : ExpertRun::Gpu;
      d.gpu_order.push_back(f);
      tg += g;
      if (f_missing) tm += m;
      sorted.pop_front();
    } else {
      d.run[l] = ExpertRun::Cpu;
      tc += c, cpu_empty = false;
      sorted.pop_back();
    }
  }
}

std::vector<double>& HybriMoe::scores(int layer, std::size_t experts) {
  if (score_.size() <= static_cast<std::size_t>(layer)) score_.resize(layer + 1);
  score_[layer].resize(experts, 0.0);
  return score_[layer];
}

double HybriMoe::score(int layer, int expert) const {
  return static_cast<std::size_t>(layer) < score_.size() ? score_[layer][expert] : 0.0;
}

OffloadDecision HybriMoe::schedule(const OffloadLayerView& view) {
  OffloadDecision d;
  const std::size_t n = view.tokens.size();
  d.run.assign(n, ExpertRun::Gpu);
  d.substitute.assign(n, -1);
  if (!view.prefill || config_.hss_in_prefill) {
    hybrid_schedule(view, d);
  } else {
    for (std::size_t e = 0; e < n; ++e)
      if (view.tokens[e] > 0 && view.cached[e]) d.gpu_order.push_back(static_cast<int>(e));
    for (std::size_t e = 0; e < n; ++e)
      if (view.tokens[e] > 0 && !view.cached[e]) {
        d.run[e] = ExpertRun::FetchThenGpu;
        d.gpu_order.push_back(static_cast<int>(e));
      }
    d.cache_fetched = false;
  }
  if (config_.impact_prefetch && config_.prefetch > 0 && view.layer + 1 < view.layers &&
      view.next_cached != nullptr) {
    std::int64_t pairs = 0;
    for (auto t : view.tokens) pairs += t;
    d.prefetch_next = impact_prefetch(scores(view.layer + 1, n), *view.next_cached,
                                      view.capacity, pairs, config_.prefetch, view.times);
  } else if (config_.prefetch > 0 && view.layer + 1 < view.layers) {
    const std::vector<double>& next = scores(view.layer + 1, n);
    std::vector<int> order(n);
    for (std::size_t e = 0; e < n; ++e) order[e] = static_cast<int>(e);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return next[a] > next[b]; });
    for (int i = 0; i < config_.prefetch && i < static_cast<int>(n); ++i)
      d.prefetch_next.push_back(order[i]);
  }
  return d;
}

int HybriMoe::victim(int layer, const std::vector<bool>& cached, const std::vector<bool>& keep) {
  return lowest_ranked_resident(cached, keep, scores(layer, cached.size()));
}

// MRS: the top-p experts by routing score (here each expert's share of the layer's routed
// tokens) take S = alpha * s + (1 - alpha) * S; all others decay, S = (1 - alpha) * S.
void HybriMoe::on_layer_done(const OffloadLayerView& view) {
  std::vector<double>& s = scores(view.layer, view.tokens.size());
  double total = 0;
  for (auto t : view.tokens) total += static_cast<double>(t);
  const int p = config_.score_top_p > 0 ? config_.score_top_p : 2 * view.top_k;
  std::vector<int> order(view.tokens.size());
  for (std::size_t e = 0; e < order.size(); ++e) order[e] = static_cast<int>(e);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return view.tokens[a] > view.tokens[b]; });
  std::vector<bool> top(order.size(), false);
  for (int i = 0; i < p && i < static_cast<int>(order.size()); ++i)
    top[order[i]] = view.tokens[order[i]] > 0;
  for (std::size_t e = 0; e < s.size(); ++e) {
    const double routed = total > 0 ? view.tokens[e] / total : 0.0;
    s[e] =
        top[e] ? config_.alpha * routed + (1 - config_.alpha) * s[e] : (1 - config_.alpha) * s[e];
  }
}

}  // namespace xpusim::policy
