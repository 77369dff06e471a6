#include "xpusim/policy/expert_placement/relibra.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"
#include "xpusim/policy/expert_placement/eplb_algorithm.hpp"
#include "xpusim/policy/expert_placement/min_max_schedule.hpp"

namespace xpusim::policy {

int home_slots_per_gpu(const EpShape& shape) { return shape.experts / shape.gpus; }

namespace {

// Maps new sets to old holders so that as many members as possible stay where they are:
// greedy, largest overlap first, ties to the lowest indices. holder_of[i] receives set i.
std::vector<int> match_by_overlap(const std::vector<std::vector<int>>& sets,
                                  const std::vector<std::vector<int>>& held) {
  const std::size_t n = sets.size();
  std::vector<int> holder_of(n, -1);
  std::vector<bool> taken(n, false);
  for (std::size_t round = 0; round < n; ++round) {
    int bi = -1, bj = -1, best = -1;
    for (std::size_t i = 0; i < n; ++i) {
      if (holder_of[i] >= 0) continue;
      for (std::size_t j = 0; j < n; ++j) {
        if (taken[j]) continue;
        int overlap = 0;
        for (int e : sets[i]) overlap += std::count(held[j].begin(), held[j].end(), e) > 0 ? 1 : 0;
        if (overlap > best) best = overlap, bi = static_cast<int>(i), bj = static_cast<int>(j);
      }
    }
    holder_of[bi] = bj;
    taken[bj] = true;
  }
  return holder_of;
}

// Node sets from scratch (no complete current layout): EPLB's balanced packing.
std::vector<std::vector<int>> fresh_node_sets(const std::vector<double>& w, int nodes) {
  const eplb::Packing packs = eplb::balanced_packing(w, nodes);
  std::vector<std::vector<int>> sets(nodes);
  for (std::size_t e = 0; e < w.size(); ++e) sets[packs.pack[e]].push_back(static_cast<int>(e));
  return sets;
}

// Swaps one expert of the heaviest node with one of the lightest, the pair that best evens
// them, while that lowers the heaviest node's load by more than 1% of the mean node load.
// Starting from where experts are keeps cross-node copies (slow network) to what pays off.
void reorder_by_swaps(const std::vector<double>& w, std::vector<std::vector<int>>& sets) {
  const std::size_t n = sets.size();
  if (n < 2) return;
  double total = 0;
  for (double x : w) total += x;
  const double min_gain = 0.01 * total / n;
  auto load = [&](const std::vector<int>& set) {
    double sum = 0;
    for (int e : set) sum += w[e];
    return sum;
  };
  for (std::size_t iter = 0; iter < w.size(); ++iter) {
    std::size_t hi = 0, lo = 0;
    for (std::size_t i = 1; i < n; ++i) {
      if (load(sets[i]) > load(sets[hi])) hi = i;
      if (load(sets[i]) < load(sets[lo])) lo = i;
    }
    const double lh = load(sets[hi]), ll = load(sets[lo]);
    double best_max = lh;
    int bi = -1, bj = -1;
    for (std::size_t i = 0; i < sets[hi].size(); ++i)
      for (std::size_t j = 0; j < sets[lo].size(); ++j) {
        const double d = w[sets[hi][i]] - w[sets[lo][j]];
        const double new_max = std::max(lh - d, ll + d);
        if (d > 0 && new_max < best_max)
          best_max = new_max, bi = static_cast<int>(i), bj = static_cast<int>(j);
      }
    if (bi < 0 || lh - best_max <= min_gain) break;
    std::swap(sets[hi][bi], sets[lo][bj]);
  }
}

}  // namespace

ExpertLayout refill_spare_slots(const EpShape& shape, std::span<const double> loads,
                                ExpertLayout layout) {
  const int home = home_slots_per_gpu(shape);
  const int gpn = shape.gpus_per_node();
  for (int g = 0; g < shape.gpus; ++g)
    for (int s = home; s < shape.slots_per_gpu; ++s)
      layout.phy2log[g * shape.slots_per_gpu + s] = -1;
  for (int node = 0; node < shape.nodes; ++node) {
    std::vector<int> experts;
    for (int g = node * gpn; g < (node + 1) * gpn; ++g)
      for (int s = 0; s < home; ++s) experts.push_back(layout.phy2log[g * shape.slots_per_gpu + s]);
    std::vector<int> copies(shape.experts, 0);
    for (int e : experts) copies[e] = 1;
    auto gpu_load = [&](int g) {
      double sum = 0;
      for (int s = 0; s < shape.slots_per_gpu; ++s) {
        const int e = layout.phy2log[g * shape.slots_per_gpu + s];
        if (e >= 0) sum += loads[e] / copies[e];
      }
      return sum;
    };
    // Each spare slot of the node goes to the expert with the largest load per copy (EPLB's
    // replication rule), on the least-loaded GPU with a free slot that lacks the expert.
    for (int spare = gpn * (shape.slots_per_gpu - home); spare > 0; --spare) {
      int best_e = -1, best_g = -1;
      double best_load = 0;
      for (int e : experts) {
        if (best_e >= 0 && loads[e] / copies[e] <= loads[best_e] / copies[best_e]) continue;
        int target = -1;
        double target_load = 0;
        for (int g = node * gpn; g < (node + 1) * gpn; ++g) {
          bool free = false;
          for (int s = home; s < shape.slots_per_gpu; ++s)
            free |= layout.phy2log[g * shape.slots_per_gpu + s] < 0;
          if (!free || layout.holds(shape, g, e)) continue;
          const double l = gpu_load(g);
          if (target < 0 || l < target_load) target = g, target_load = l;
        }
        if (target >= 0) best_e = e, best_g = target, best_load = target_load;
      }
      if (best_e < 0) break;  // every expert already on every GPU with room
      (void)best_load;
      for (int s = home; s < shape.slots_per_gpu; ++s)
        if (layout.phy2log[best_g * shape.slots_per_gpu + s] < 0) {
          layout.phy2log[best_g * shape.slots_per_gpu + s] = best_e;
          break;
        }
      ++copies[best_e];
    }
  }
  return layout;
}

ExpertLayout RelibraPlacement::place_batch(const PlacementView& view) {
  const EpShape& s = view.shape;
  const int gpn = s.gpus_per_node();
  if (s.experts % s.gpus != 0)
    throw Error("relibra: the " + std::to_string(s.experts) +
                " experts must split evenly over the " + std::to_string(s.gpus) +
                " GPUs (home copies)");
  const std::vector<double> w(view.loads.begin(), view.loads.end());
  // Reordering across nodes on the batch's loads, then each node's experts onto its GPUs.
  const int home = home_slots_per_gpu(s);
  // Home experts each node and GPU holds now (empty slots are -1 and match nothing).
  std::vector<std::vector<int>> held_by_node(s.nodes), held_by_gpu(s.gpus);
  for (int g = 0; g < s.gpus; ++g)
    for (int k = 0; k < home; ++k) {
      const int e = view.current.phy2log[g * s.slots_per_gpu + k];
      held_by_gpu[g].push_back(e);
      held_by_node[s.node_of_gpu(g)].push_back(e);
    }
  // Reordering across nodes on the batch's loads, by swaps from the current assignment.
  bool complete = true;
  for (const auto& set : held_by_node) complete &= std::count(set.begin(), set.end(), -1) == 0;
  std::vector<std::vector<int>> node_sets = complete ? held_by_node : fresh_node_sets(w, s.nodes);
  reorder_by_swaps(w, node_sets);
  const std::vector<int> node_of_pack = match_by_overlap(node_sets, held_by_node);
  ExpertLayout out{std::vector<int>(s.slots(), -1)};
  for (int p = 0; p < s.nodes; ++p) {
    const int node = node_of_pack[p];
    std::vector<double> wn;
    for (int e : node_sets[p]) wn.push_back(w[e]);
    const eplb::Packing gp = eplb::balanced_packing(wn, gpn);
    std::vector<std::vector<int>> gpu_sets(gpn), held(gpn);
    for (std::size_t i = 0; i < node_sets[p].size(); ++i)
      gpu_sets[gp.pack[i]].push_back(node_sets[p][i]);
    for (int j = 0; j < gpn; ++j) held[j] = held_by_gpu[node * gpn + j];
    const std::vector<int> gpu_of_set = match_by_overlap(gpu_sets, held);
    for (int i = 0; i < gpn; ++i) {
      const int g = node * gpn + gpu_of_set[i];
      // Experts already on the GPU keep their slot; the others fill the remaining home slots.
      std::vector<int> slot_of(gpu_sets[i].size(), -1);
      std::vector<bool> used(home, false);
      for (std::size_t k = 0; k < gpu_sets[i].size(); ++k)
        for (int h = 0; h < home; ++h)
          if (!used[h] && held_by_gpu[g][h] == gpu_sets[i][k]) {
            slot_of[k] = h, used[h] = true;
            break;
          }
      int next = 0;
      for (std::size_t k = 0; k < gpu_sets[i].size(); ++k) {
        if (slot_of[k] < 0) {
          while (used[next]) ++next;
          slot_of[k] = next, used[next] = true;
        }
        out.phy2log[g * s.slots_per_gpu + slot_of[k]] = gpu_sets[i][k];
      }
    }
  }
  XPUSIM_CHECK(home <= s.slots_per_gpu, "relibra: home copies exceed the slots");
  return refill_spare_slots(s, view.loads, std::move(out));
}

const ParamBinding<RelibraConfig>& RelibraPlacement::binding() {
  static const auto b = ParamBinding<RelibraConfig>().choice(
      "token_split", &RelibraConfig::min_max_split, {{"even", false}, {"min_max", true}},
      "split of a replicated expert's tokens over its copies: even (engines' default) or the "
      "exact min-max schedule over the GPUs holding it (not in the paper; docs/moe.md)");
  return b;
}

std::vector<double> RelibraPlacement::schedule_tokens(const EpShape& shape,
                                                      const ExpertLayout& layout,
                                                      std::span<const std::int64_t> loads) {
  if (!config_.min_max_split) return even_split(shape, layout, loads);
  const TokenSchedule s = min_max_schedule(shape, layout, loads);
  return {s.gpu_tokens.begin(), s.gpu_tokens.end()};
}

std::optional<ExpertLayout> RelibraPlacement::place_micro_batch(const PlacementView& view) {
  return refill_spare_slots(view.shape, view.loads, view.current);
}

}  // namespace xpusim::policy
