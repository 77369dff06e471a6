#pragma once
// Expert placement family: "where do expert replicas live, and which replica computes which
// tokens?" Decided per MoE layer, once per global batch and optionally again per micro-batch.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "xpusim/core/catalog.hpp"

namespace xpusim::policy {

// The expert-parallel group: `gpus` GPUs over `nodes` nodes, each GPU with `slots_per_gpu`
// expert slots; slot s lives on GPU s / slots_per_gpu, GPU g on node g / gpus_per_node().
struct EpShape {
  int experts = 0;
  int gpus = 1;
  int nodes = 1;
  int slots_per_gpu = 1;
  int expert_groups = 1;  // the model's routing groups (DeepSeek n_group); 1 = none
  int slots() const { return gpus * slots_per_gpu; }
  int gpus_per_node() const { return gpus / nodes; }
  int gpu_of_slot(int slot) const { return slot / slots_per_gpu; }
  int node_of_gpu(int gpu) const { return gpu / gpus_per_node(); }
};

// One layer's placement: the logical expert in each physical slot (-1 = empty slot).
struct ExpertLayout {
  std::vector<int> phy2log;
  bool holds(const EpShape& shape, int gpu, int expert) const;
  std::vector<int> replica_counts(int experts) const;
};

// What a placement policy sees for one layer: the shape, the loads it plans for (per logical
// expert: predicted from history, or exact under routing replay) and the layout in place now.
struct PlacementView {
  const EpShape& shape;
  std::span<const double> loads;
  const ExpertLayout& current;
};

class ExpertPlacementPolicy {
 public:
  virtual ~ExpertPlacementPolicy() = default;
  // The layout for the coming global batch (training step / serving window), from the loads
  // expected over the whole batch.
  virtual ExpertLayout place_batch(const PlacementView& view) = 0;
  // A refinement for the coming micro-batch from its own loads; nullopt keeps the batch layout.
  virtual std::optional<ExpertLayout> place_micro_batch(const PlacementView& view);
  // Tokens each GPU computes, given the layout and the micro-batch's actual loads (known once
  // the router has run). Default: each expert's tokens split evenly over its replicas.
  virtual std::vector<double> schedule_tokens(const EpShape& shape, const ExpertLayout& layout,
                                              std::span<const std::int64_t> loads);
};

// Even split of each expert's tokens over its replicas (what engines do without a scheduler).
std::vector<double> even_split(const EpShape& shape, const ExpertLayout& layout,
                               std::span<const std::int64_t> loads);

using ExpertPlacementCatalog = Catalog<ExpertPlacementPolicy>;

void register_expert_placement_policies(ExpertPlacementCatalog& catalog);

}  // namespace xpusim::policy
