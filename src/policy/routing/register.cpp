// The registry lines of the routing family: one per router, by the name the YAML uses.
#include "xpusim/policy/routing/least_kv_load.hpp"
#include "xpusim/policy/routing/least_outstanding.hpp"
#include "xpusim/policy/routing/least_outstanding_capacity.hpp"
#include "xpusim/policy/routing/llumnix_dispatch.hpp"
#include "xpusim/policy/routing/phase_aware.hpp"
#include "xpusim/policy/routing/prefix_affinity.hpp"
#include "xpusim/policy/routing/round_robin.hpp"

namespace xpusim::policy {

void register_routers(RouterCatalog& c) {
  c.add("round_robin", "instances in turn, ignoring load", ParamSchema{},
        [](const Params&) { return std::make_unique<RoundRobinRouter>(); });
  c.add("least_outstanding", "fewest waiting + running requests (ties: lowest index)",
        ParamSchema{}, [](const Params&) { return std::make_unique<LeastOutstandingRouter>(); });
  c.add("least_outstanding_capacity",
        "smallest (outstanding + 1) / instance rate: prefill rate in a disaggregated prefill "
        "pool, decode rate otherwise (mixed hardware; ties: lowest index)",
        ParamSchema{}, [](const Params&) { return std::make_unique<LeastOutstandingCapacityRouter>(); });
  c.add("phase_aware",
        "smallest (outstanding + 1) x the request's best-case time on the instance (prompt / "
        "prefill rate + output / decode rate); also places decodes under disaggregation",
        ParamSchema{}, [](const Params&) { return std::make_unique<PhaseAwareRouter>(); });
  c.add("least_kv_load",
        "smallest fraction of KV blocks in use (ties: fewest outstanding, then lowest index)",
        ParamSchema{}, [](const Params&) { return std::make_unique<LeastKvLoadRouter>(); });
  c.add("llumnix",
        "Llumnix's load-aware dispatch: the most freeness, (free KV blocks - blocks queued "
        "prompts need - priority headroom) / outstanding requests (ties: lowest index)",
        LlumnixDispatchRouter::binding(), [](LlumnixDispatchRouter::Config cfg) {
          return std::make_unique<LlumnixDispatchRouter>(cfg);
        });
  c.add("prefix_affinity",
        "the instance believed to hold the longest prefix of the request's KV blocks, unless "
        "it is over the load cap (then least outstanding)",
        PrefixAffinityRouter::binding(), [](PrefixAffinityRouter::Config cfg) {
          return std::make_unique<PrefixAffinityRouter>(cfg);
        });
}

}  // namespace xpusim::policy
