#include "xpusim/policy/expert_placement/relibra.hpp"

#include "xpusim/core/error.hpp"
#include "xpusim/policy/expert_placement/eplb_algorithm.hpp"

namespace xpusim::policy {

int home_slots_per_gpu(const EpShape& shape) { return shape.experts / shape.gpus; }

ExpertLayout refill_spare_slots(const EpShape& shape, std::span<const double> loads, ExpertLayout layout) {
  const int home = home_slots_per_gpu(shape);
  const int gpn = shape.gpus_per_node();
  for (int g = 0; g < shape.gpus; ++g)
    for (int s = home; s < shape.slots_per_gpu; ++s) layout.phy2log[g * shape.slots_per_gpu + s] = -1;
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
          for (int s = home; s < shape.slots_per_gpu; ++s) free |= layout.phy2log[g * shape.slots_per_gpu + s] < 0;
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
    throw Error("relibra: the " + std::to_string(s.experts) + " experts must split evenly over the " +
                std::to_string(s.gpus) + " GPUs (home copies)");
  const std::vector<double> w(view.loads.begin(), view.loads.end());
  // Reordering across nodes on the batch's loads, then each node's experts onto its GPUs.
  const eplb::Packing nodes = eplb::balanced_packing(w, s.nodes);
  ExpertLayout out{std::vector<int>(s.slots(), -1)};
  const int home = home_slots_per_gpu(s);
  for (int node = 0; node < s.nodes; ++node) {
    std::vector<int> experts;
    std::vector<double> wn;
    for (int e = 0; e < s.experts; ++e)
      if (nodes.pack[e] == node) experts.push_back(e), wn.push_back(w[e]);
    const eplb::Packing gpus = eplb::balanced_packing(wn, gpn);
    for (std::size_t i = 0; i < experts.size(); ++i)
      out.phy2log[(node * gpn + gpus.pack[i]) * s.slots_per_gpu + gpus.rank[i]] = experts[i];
  }
  XPUSIM_CHECK(home <= s.slots_per_gpu, "relibra: home copies exceed the slots");
  return refill_spare_slots(s, view.loads, std::move(out));
}

std::optional<ExpertLayout> RelibraPlacement::place_micro_batch(const PlacementView& view) {
  return refill_spare_slots(view.shape, view.loads, view.current);
}

}  // namespace xpusim::policy
