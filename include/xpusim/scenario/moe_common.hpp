#pragma once
// Pieces the two MoE kinds (moe, moe_offload) share: the routing section.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "xpusim/core/params.hpp"
#include "xpusim/model/model_spec.hpp"
#include "xpusim/scenario/diagnostics.hpp"
#include "xpusim/scenario/kind_sections.hpp"
#include "xpusim/scenario/run_outputs.hpp"
#include "xpusim/scenario/section_reader.hpp"
#include "xpusim/scenario/yaml_document.hpp"
#include "xpusim/workload/routing_source.hpp"

namespace xpusim::scenario {

// The bound `routing:` section -> a source for `model`'s MoE layers; a trace
// path is relative to the scenario file. `tokens` per micro-batch, `micro_batches` per batch.
// With `check_trace_counts`, a trace's counts must fit `tokens` x top-k (RoutingTrace).
std::unique_ptr<workload::RoutingSource> make_moe_routing(
    const MoeRoutingSection& routing, const model::ModelSpec& model, std::int64_t tokens, int micro_batches,
    std::uint64_t seed, const std::filesystem::path& scenario_path, bool check_trace_counts = false);

// Reads a `source: trace` routing file once at load time so `xpusim validate` reports a bad
// file (its own file:line message) under the routing.path key; nothing for `source: zipf`.
// `trace_tokens` > 0: the micro-batch size the trace's counts must fit (0: not checked).
void check_moe_routing(const MoeRoutingSection& routing, const model::ModelSpec& model,
                       const std::filesystem::path& scenario_path, const YAML::Node& section,
                       const YamlDocument& doc, Diagnostics& diag, std::int64_t trace_tokens = 0);

// The checks both MoE kinds make once their sections are read: an MoE model, and a routing
// section that fits it (a trace needs its path; the trace itself is read by check_moe_routing).
// `kind` names the system kind in the message.
void check_moe_model_and_routing(const model::ModelSpec& model, const MoeRoutingSection& routing,
                                 const std::filesystem::path& scenario_path, const std::string& kind,
                                 SectionReader& ld, std::int64_t trace_tokens = 0);

}  // namespace xpusim::scenario
