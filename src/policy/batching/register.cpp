// The registry lines of the batching family: one per policy, by the name the YAML uses.
#include "xpusim/policy/batching/equinox_batching.hpp"
#include "xpusim/policy/batching/layered_prefill.hpp"
#include "xpusim/policy/batching/orca.hpp"
#include "xpusim/policy/batching/sarathi.hpp"
#include "xpusim/policy/batching/static_batching.hpp"
#include "xpusim/policy/batching/vllm.hpp"

namespace xpusim::policy {

void register_batching_policies(BatchingCatalog& c) {
  c.add("vllm",
        "vLLM v0: FCFS admission while KV blocks allow, prefill-first iterations, recompute "
        "preemption of the newest sequence when blocks run out",
        VllmBatching::binding(), [](VllmBatching::Config cfg) {
          return std::make_unique<VllmBatching>(cfg);
        });
  c.add("sarathi",
        "Sarathi-Serve: decodes first, then partial prefills, then admissions, within a "
        "per-iteration token budget (chunked prefill)",
        SarathiBatching::binding(), [](SarathiBatching::Config cfg) {
          return std::make_unique<SarathiBatching>(cfg);
        });
  c.add("orca",
        "Orca: iteration-level scheduling, prefills batched with decodes, KV reserved for the "
        "longest possible sequence at admission (no paging)",
        OrcaBatching::binding(), [](OrcaBatching::Config cfg) {
          return std::make_unique<OrcaBatching>(cfg);
        });
  c.add("static",
        "static (request-level) batching as in FasterTransformer, the Orca paper's baseline; a "
        "new batch forms only when the previous one finished, KV reserved for max_seq_len",
        StaticBatching::binding(), [](StaticBatching::Config cfg) {
          return std::make_unique<StaticBatching>(cfg);
        });
  c.add("layered_prefill",
        "layered prefill: a prompt passes one contiguous layer group per iteration while "
        "decodes run the full model",
        LayeredPrefillBatching::binding(), [](LayeredPrefillBatching::Config cfg) {
          return std::make_unique<LayeredPrefillBatching>(cfg);
        });
  c.add("equinox",
        "Equinox: stall-free (Sarathi-style) iterations whose admissions stop when the running "
        "batch's final KV footprint would pass kv_target of the cache (adaptive batch)",
        EquinoxBatching::binding(), [](EquinoxBatching::Config cfg) {
          return std::make_unique<EquinoxBatching>(cfg);
        });
}

}  // namespace xpusim::policy
