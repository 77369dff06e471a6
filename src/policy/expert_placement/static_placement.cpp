#include "xpusim/policy/expert_placement/static_placement.hpp"

#include "xpusim/core/error.hpp"

namespace xpusim::policy {

ExpertLayout StaticPlacement::place_batch(const PlacementView& view) {
  const EpShape& s = view.shape;
  ExpertLayout out{std::vector<int>(s.slots(), -1)};
  for (int e = 0; e < s.experts; ++e) {
    const int slot = (e % s.gpus) * s.slots_per_gpu + e / s.gpus;
    XPUSIM_CHECK(e / s.gpus < s.slots_per_gpu, "static placement: too few slots per GPU");
    out.phy2log[slot] = e;
  }
  return out;
}

}  // namespace xpusim::policy
