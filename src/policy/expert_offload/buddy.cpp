#include "xpusim/policy/expert_offload/buddy.hpp"

namespace xpusim::policy {

const ParamBinding<BuddyConfig>& BuddyMoe::binding() {
  static const auto b =
      ParamBinding<BuddyConfig>()
          .integer(XPUSIM_KEY(BuddyConfig, buddies), "",
                   "buddy candidates per expert (e+1, e-1, e+2, ... mod experts)",
                   {.min = 1, .max = 1024})
          .integer(XPUSIM_KEY(BuddyConfig, max_tokens), "",
                   "substitute a missing expert only if it has at most this many tokens",
                   {.min = 0, .max = 100000000});
  return b;
}

OffloadDecision BuddyMoe::schedule(const OffloadLayerView& view) {
  OffloadDecision d = lru_.schedule(view);
  const int n = static_cast<int>(view.tokens.size());
  std::vector<int> order;
  for (int e : d.gpu_order) {
    if (d.run[e] != ExpertRun::FetchThenGpu || view.tokens[e] > config_.max_tokens) {
      order.push_back(e);
      continue;
    }
    int buddy = -1;
    for (int k = 1; k <= config_.buddies && buddy < 0; ++k) {
      const int offset = (k + 1) / 2 * (k % 2 == 1 ? 1 : -1);
      const int b = ((e + offset) % n + n) % n;
      if (b != e && view.cached[b]) buddy = b;
    }
    if (buddy < 0) {
      order.push_back(e);
    } else {
      d.run[e] = ExpertRun::Substitute;
      d.substitute[e] = buddy;
    }
  }
  d.gpu_order = order;
  return d;
}

}  // namespace xpusim::policy
