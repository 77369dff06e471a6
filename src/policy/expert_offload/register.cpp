// The registry lines of the expert-offload family: one per policy, by the name the YAML uses.
#include "xpusim/policy/expert_offload/buddy.hpp"
#include "xpusim/policy/expert_offload/fetch_on_demand.hpp"
#include "xpusim/policy/expert_offload/hybrimoe.hpp"
#include "xpusim/policy/expert_offload/static_hybrid.hpp"

namespace xpusim::policy {

void register_expert_offload_policies(ExpertOffloadCatalog& c) {
  c.add("fetch_on_demand",
        "every activated expert on the GPU; a missing one fetched over PCIe first; LRU cache; "
        "optional next-layer prefetch",
        FetchOnDemand::binding(),
        [](const FetchOnDemandConfig& cfg) { return std::make_unique<FetchOnDemand>(cfg); });
  c.add("static_hybrid",
        "kTransformers-style static hybrid: the cache's starting experts stay on the GPU, every "
        "other activated expert runs on the CPU; no fetching, prefetching or eviction",
        ParamSchema{}, [](const Params&) { return std::make_unique<StaticHybrid>(); });
  c.add("hybrimoe",
        "HybriMoE as coded: greedy CPU/GPU split of a layer's experts in decode, score-based (MRS) "
        "cache, optional next-layer prefetch",
        HybriMoe::binding(),
        [](const HybriMoeConfig& cfg) { return std::make_unique<HybriMoe>(cfg); });
  c.add("buddy",
        "BuddyMoE: next-layer prefetch; on a prefetch miss a cached buddy (from profiled "
        "co-activation) computes the expert instead of a PCIe fetch, under the entropy and "
        "distribution gates; LRU cache",
        BuddyMoe::binding(),
        [](const BuddyConfig& cfg) { return std::make_unique<BuddyMoe>(cfg); });
}

}  // namespace xpusim::policy
