#include "xpusim/policy/expert_placement/relibra.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"
#include "xpusim/policy/expert_placement/eplb_algorithm.hpp"

namespace xpusim::policy {

namespace {

// Puts each new per-GPU set of a node on the GPU (of that node) already holding most of its
// experts: greedy, largest overlap first, ties to the lowest GPU index.
void match_gpus(const EpShape& shape, int node, const std::vector<std::vector<int>>& sets,
                const ExpertLayout& current, ExpertLayout& out) {
  const int gpn = shape.gpus_per_node();
  std::vector<bool> set_used(gpn, false), gpu_used(gpn, false);
  for (int round = 0; round < gpn; ++round) {
    int best_set = -1, best_gpu = -1, best_overlap = -1;
    for (int i = 0; i < gpn; ++i) {
      if (set_used[i]) continue;
      for (int j = 0; j < gpn; ++j) {
        if (gpu_used[j]) continue;
        int overlap = 0;
        for (int e : sets[i]) overlap += current.holds(shape, node * gpn + j, e) ? 1 : 0;
        if (overlap > best_overlap) best_overlap = overlap, best_set = i, best_gpu = j;
      }
    }
    set_used[best_set] = gpu_used[best_gpu] = true;
    const int gpu = node * gpn + best_gpu;
    // Experts the GPU already holds keep their slots; the rest fill the free ones in order.
    std::vector<int> slots(sets[best_set].size(), -1);
    std::vector<bool> taken(shape.slots_per_gpu, false);
    for (std::size_t k = 0; k < sets[best_set].size(); ++k)
      for (int s = 0; s < shape.slots_per_gpu; ++s)
        if (!taken[s] && current.phy2log[gpu * shape.slots_per_gpu + s] == sets[best_set][k]) {
          slots[k] = s, taken[s] = true;
          break;
        }
    int free_slot = 0;
    for (std::size_t k = 0; k < sets[best_set].size(); ++k) {
      if (slots[k] < 0) {
        while (taken[free_slot]) ++free_slot;
        slots[k] = free_slot, taken[free_slot] = true;
      }
      out.phy2log[gpu * shape.slots_per_gpu + slots[k]] = sets[best_set][k];
    }
  }
}

// Fills a node's gpn x slots slots from its experts' loads: EPLB's greedy replication (one
// more replica to the largest load per replica), capped at one replica per GPU since a second
// copy on the same GPU absorbs nothing, then replicas heaviest first onto the lightest GPU
// that is not full and does not hold the expert yet. Returns the expert indices per GPU.
std::vector<std::vector<int>> pack_node(const std::vector<double>& w, int gpn, int slots_per_gpu) {
  const int n = static_cast<int>(w.size());
  std::vector<int> cnt(n, 1);
  std::vector<int> replicas(n);
  for (int e = 0; e < n; ++e) replicas[e] = e;
  for (int extra = gpn * slots_per_gpu - n; extra > 0; --extra) {
    int best = -1;
    for (int e = 0; e < n; ++e)
      if (cnt[e] < gpn && (best < 0 || w[e] / cnt[e] > w[best] / cnt[best])) best = e;
    if (best < 0) break;  // every expert on every GPU already
    replicas.push_back(best);
    ++cnt[best];
  }
  std::stable_sort(replicas.begin(), replicas.end(),
                   [&](int a, int b) { return w[a] / cnt[a] > w[b] / cnt[b]; });
  std::vector<std::vector<int>> sets(gpn);
  std::vector<double> load(gpn, 0.0);
  for (int e : replicas) {
    int best = -1;
    for (int g = 0; g < gpn; ++g) {
      if (static_cast<int>(sets[g].size()) >= slots_per_gpu) continue;
      if (std::find(sets[g].begin(), sets[g].end(), e) != sets[g].end()) continue;
      if (best < 0 || load[g] < load[best]) best = g;
    }
    XPUSIM_CHECK(best >= 0, "relibra: no GPU left for a replica");
    sets[best].push_back(e);
    load[best] += w[e] / cnt[e];
  }
  return sets;
}

}  // namespace

std::vector<int> nodes_of_experts(const EpShape& shape, const ExpertLayout& layout) {
  std::vector<int> node_of(shape.experts, -1);
  for (int s = 0; s < shape.slots(); ++s) {
    const int e = layout.phy2log[s];
    if (e >= 0 && node_of[e] < 0) node_of[e] = shape.node_of_gpu(shape.gpu_of_slot(s));
  }
  return node_of;
}

ExpertLayout replicate_within_nodes(const EpShape& shape, std::span<const double> loads,
                                    const std::vector<int>& node_of, const ExpertLayout& current) {
  const int gpn = shape.gpus_per_node();
  const int phy_per_node = gpn * shape.slots_per_gpu;
  ExpertLayout out{std::vector<int>(shape.slots(), -1)};
  for (int node = 0; node < shape.nodes; ++node) {
    std::vector<int> experts;
    for (int e = 0; e < shape.experts; ++e)
      if (node_of[e] == node) experts.push_back(e);
    if (experts.empty()) continue;
    XPUSIM_CHECK(static_cast<int>(experts.size()) <= phy_per_node, "relibra: node over capacity");
    std::vector<double> w(experts.size());
    for (std::size_t i = 0; i < experts.size(); ++i) w[i] = loads[experts[i]];
    const std::vector<std::vector<int>> sets = pack_node(w, gpn, shape.slots_per_gpu);
    std::vector<std::vector<int>> global_sets(gpn);
    for (int g = 0; g < gpn; ++g)
      for (int i : sets[g]) global_sets[g].push_back(experts[i]);
    match_gpus(shape, node, global_sets, current, out);
  }
  return out;
}

ExpertLayout RelibraPlacement::place_batch(const PlacementView& view) {
  const EpShape& s = view.shape;
  if (s.experts % s.nodes != 0)
    throw Error("relibra: the " + std::to_string(s.experts) + " experts must split evenly over " +
                std::to_string(s.nodes) + " nodes");
  // Reordering: experts onto nodes by balanced packing of the batch's loads (E/N per node).
  const std::vector<double> w(view.loads.begin(), view.loads.end());
  const eplb::Packing nodes = eplb::balanced_packing(w, s.nodes);
  // Within each node, replicate for the batch as a whole; micro-batches refine it.
  return replicate_within_nodes(s, view.loads, nodes.pack, view.current);
}

std::optional<ExpertLayout> RelibraPlacement::place_micro_batch(const PlacementView& view) {
  return replicate_within_nodes(view.shape, view.loads, nodes_of_experts(view.shape, view.current),
                                view.current);
}

}  // namespace xpusim::policy
