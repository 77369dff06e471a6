// The registry lines of the batching family: one per policy, by the name the YAML uses.
#include "xpusim/policy/batching/vllm.hpp"

namespace xpusim::policy {

void register_batching_policies(BatchingCatalog& c) {
  c.add("vllm",
        "vLLM v0: FCFS admission while KV blocks allow, prefill-first iterations, recompute "
        "preemption of the newest sequence when blocks run out",
        VllmBatching::schema(), [](const Params& p) {
          return std::make_unique<VllmBatching>(VllmBatching::config_from(p));
        });
}

}  // namespace xpusim::policy
