// The registry lines of the workload layer: one per request source, by the name the YAML uses.
#include "xpusim/workload/request_source.hpp"
#include "xpusim/workload/session_source.hpp"
#include "xpusim/workload/synthetic_source.hpp"
#include "xpusim/workload/tenant_mix_source.hpp"
#include "xpusim/workload/trace_source.hpp"

namespace xpusim::workload {

void register_request_sources(SourceCatalog& catalog) {
  catalog.add("synthetic",
              "generated requests: Poisson or gamma arrivals, fixed/uniform/lognormal/empirical "
              "prompt and output lengths, tenants assigned uniformly at random",
              SyntheticSource::binding(),
              [](SyntheticSource::Config cfg, const SourceContext& ctx) {
                resolve_length_trace(cfg.prompt, ctx.base_dir);
                resolve_length_trace(cfg.output, ctx.base_dir);
                return std::make_unique<SyntheticSource>(cfg, ctx.seed);
              });
  catalog.add("tenant_mix",
              "tenants with their own rates, lengths and on/off periods, in phases (the VTC "
              "paper's synthetic fairness cases)",
              TenantMixSource::binding(),
              [](const TenantMixSource::Config& cfg, const SourceContext& ctx) {
                return std::make_unique<TenantMixSource>(cfg, ctx.seed);
              });
  catalog.add(
      "trace",
      "replay of a trace file (Azure LLM inference CSV, BurstGPT CSV, Mooncake JSON lines "
      "with prefix hashes, or xpusim CSV with tenants, sessions, priorities, SLOs and prefix "
      "hashes), streamed row by row",
      TraceSource::binding(), [](TraceSource::Config cfg, const SourceContext& ctx) {
        cfg.path = ctx.base_dir / cfg.path;  // an absolute path replaces base_dir
        return std::make_unique<TraceSource>(cfg);
      });
  catalog.add("sessions",
              "multi-turn chat or agent sessions sharing system prompts; every turn's prompt is the "
              "session's context so far, with typed prefix hashes (docs/prefix-cache.md)",
              SessionSource::binding(), [](const SessionSource::Config& cfg, const SourceContext& ctx) {
                return std::make_unique<SessionSource>(cfg, ctx.seed);
              });
}

}  // namespace xpusim::workload
