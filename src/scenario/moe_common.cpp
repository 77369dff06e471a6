#include "xpusim/scenario/moe_common.hpp"

#include "xpusim/core/error.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/report/atomic_file.hpp"
#include "xpusim/workload/routing_trace.hpp"
#include "xpusim/workload/zipf_routing.hpp"

namespace xpusim::scenario {

namespace fs = std::filesystem;

std::unique_ptr<workload::RoutingSource> make_moe_routing(const MoeRoutingSection& routing,
                                                          const model::ModelSpec& model,
                                                          std::int64_t tokens, int micro_batches,
                                                          std::uint64_t seed,
                                                          const fs::path& scenario_path,
                                                          bool check_trace_counts) {
  const int layers = model.moe_layers(), experts = model.num_experts;
  if (routing.trace) {
    fs::path p = routing.path;
    if (p.is_relative()) p = scenario_path.parent_path() / p;
    if (!check_trace_counts) return std::make_unique<workload::RoutingTrace>(p, layers, experts);
    return std::make_unique<workload::RoutingTrace>(p, layers, experts, tokens, model.experts_top_k);
  }
  workload::ZipfRoutingConfig z = routing.zipf;
  z.layers = layers, z.experts = experts, z.top_k = model.experts_top_k, z.tokens = tokens;
  z.micro_batches = micro_batches;
  return std::make_unique<workload::ZipfRouting>(z, RngStream(seed, "moe.routing"));
}

void check_moe_routing(const MoeRoutingSection& routing, const model::ModelSpec& model,
                       const fs::path& scenario_path, const YAML::Node& section,
                       const YamlDocument& doc, Diagnostics& diag, std::int64_t trace_tokens) {
  if (!routing.trace || routing.path.empty()) return;
  try {
    make_moe_routing(routing, model, trace_tokens, 1, 0, scenario_path, trace_tokens > 0);
  } catch (const Error& e) {
    diag.error(doc.locate(section, "routing"), "routing.path", e.what());
  }
}

void check_moe_model_and_routing(const model::ModelSpec& model, const MoeRoutingSection& routing,
                                 const fs::path& scenario_path, const std::string& kind,
                                 SectionReader& ld, std::int64_t trace_tokens) {
  if (!model.is_moe())
    ld.diag.error(ld.doc.locate(ld.section("model"), "model"), "model.num_experts",
                  "the " + kind + " system needs an MoE model (num_experts > 0)");
  if (routing.trace && routing.path.empty())
    ld.diag.error(ld.doc.locate(ld.section("routing"), "routing"), "routing.path",
                  "required when source is trace");
  if (model.is_moe()) check_moe_routing(routing, model, scenario_path, ld.section("routing"), ld.doc, ld.diag, trace_tokens);
}

}  // namespace xpusim::scenario
