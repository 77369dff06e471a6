// The registry lines of the prefix-eviction family: one per policy, by the name the YAML uses.
#include "xpusim/policy/prefix_eviction/fifo.hpp"
#include "xpusim/policy/prefix_eviction/lfu.hpp"
#include "xpusim/policy/prefix_eviction/lru.hpp"
#include "xpusim/policy/prefix_eviction/sae.hpp"
#include "xpusim/policy/prefix_eviction/ttl.hpp"

namespace xpusim::policy {

void register_eviction_policies(EvictionCatalog& c) {
  c.add("lru",
        "vLLM v1 free-block queue: least recently released first, a request's tail before its "
        "prefix",
        ParamSchema{}, [](const Params&) { return std::make_unique<LruEviction>(); });
  c.add("fifo", "FIFO baseline: the block cached first goes first, reuse does not matter",
        ParamSchema{}, [](const Params&) { return std::make_unique<FifoEviction>(); });
  c.add("lfu", "SGLang LFU: fewest hits first, then least recently released", ParamSchema{},
        [](const Params&) { return std::make_unique<LfuEviction>(); });
  c.add("ttl",
        "Continuum-style: blocks of a finished turn whose session continues (tool call) are "
        "pinned for a learned time-to-live, then fall back to LRU",
        TtlEviction::binding(),
        [](const TtlEviction::Config& cfg) { return std::make_unique<TtlEviction>(cfg); });
  c.add("sae",
        "SAECache-style semantic-adaptive: session/structural queues, learned token-type weights, "
        "log-normal reuse timing, position decay",
        SaeEviction::binding(),
        [](const SaeEviction::Config& cfg) { return std::make_unique<SaeEviction>(cfg); });
}

}  // namespace xpusim::policy
