// The registry lines of the batching family: one per policy, by the name the YAML uses.
#include "xpusim/policy/batching/layered_prefill.hpp"
#include "xpusim/policy/batching/orca.hpp"
#include "xpusim/policy/batching/sarathi.hpp"
#include "xpusim/policy/batching/vllm.hpp"

namespace xpusim::policy {

void register_batching_policies(BatchingCatalog& c) {
  c.add("vllm",
        "vLLM v0: FCFS admission while KV blocks allow, prefill-first iterations, recompute "
        "preemption of the newest sequence when blocks run out",
        VllmBatching::schema(), [](const Params& p) {
          return std::make_unique<VllmBatching>(VllmBatching::config_from(p));
        });
  c.add("sarathi",
        "Sarathi-Serve: decodes first, then partial prefills, then admissions, within a "
        "per-iteration token budget (chunked prefill)",
        SarathiBatching::schema(), [](const Params& p) {
          return std::make_unique<SarathiBatching>(SarathiBatching::config_from(p));
        });
  c.add("orca",
        "Orca: iteration-level scheduling, prefills batched with decodes, KV reserved for the "
        "longest possible sequence at admission (no paging)",
        OrcaBatching::schema(),
        [](const Params& p) { return std::make_unique<OrcaBatching>(OrcaBatching::config_from(p)); });
  c.add("layered_prefill",
        "layered prefill: a prompt passes one contiguous layer group per iteration while "
        "decodes run the full model",
        LayeredPrefillBatching::schema(), [](const Params& p) {
          return std::make_unique<LayeredPrefillBatching>(LayeredPrefillBatching::config_from(p));
        });
}

}  // namespace xpusim::policy
