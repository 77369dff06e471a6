#include "xpusim/workload/agent_flow.hpp"

#include <algorithm>
#include <cmath>

#include "xpusim/core/error.hpp"
#include "xpusim/core/excerpt.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/workload/csv_reader.hpp"

namespace xpusim::workload {
namespace {

const Bounds kNonNegative{.min = 0};
const Bounds kTokens{.min = 1, .max = 1e7};
// Below 2^63 ns (292 years), as every time of the simulation must be.
constexpr double kMaxTraceSeconds = 9.2e9;

struct ClassShape {
  double rate_per_s;
  int turns;
  double prompt, output;
};

std::int64_t jittered(RngStream& rng, double mean, double jitter) {
  const double v = mean * rng.uniform(1.0 - jitter, 1.0 + jitter);
  return std::max<std::int64_t>(1, std::llround(v));
}

}  // namespace

const char* flow_class_name(FlowClass c) {
  return c == FlowClass::Reactive ? "reactive" : "proactive";
}

const ParamBinding<AgentWorkloadConfig>& AgentWorkloadConfig::binding() {
  using C = AgentWorkloadConfig;
  static const auto b =
      ParamBinding<C>()
          .choice("source", &C::trace, {{"synthetic", false}, {"trace", true}},
                  "synthetic flows from the keys below, or a recorded agent trace (trace_path)")
          .string(XPUSIM_KEY(C, trace_path),
                  "agent trace CSV (docs/soc.md), relative to the scenario file")
          .real(XPUSIM_KEY(C, duration_s), "s", "synthetic: flows arrive in [0, duration_s)",
                {.min = 0, .min_exclusive = true})
          .real(XPUSIM_KEY(C, reactive_rate_per_s), "1/s",
                "synthetic: Poisson arrival rate of reactive flows", kNonNegative)
          .real(XPUSIM_KEY(C, proactive_rate_per_s), "1/s",
                "synthetic: Poisson arrival rate of proactive flows", kNonNegative)
          .integer(XPUSIM_KEY(C, reactive_turns), "", "synthetic: turns per reactive flow",
                   {.min = 1, .max = 10000})
          .integer(XPUSIM_KEY(C, proactive_turns), "", "synthetic: turns per proactive flow",
                   {.min = 1, .max = 10000})
          .real(XPUSIM_KEY(C, reactive_prompt_tokens), "tokens",
                "synthetic: mean new prompt tokens per reactive turn", kTokens)
          .real(XPUSIM_KEY(C, reactive_output_tokens), "tokens",
                "synthetic: mean output tokens per reactive turn", kTokens)
          .real(XPUSIM_KEY(C, proactive_prompt_tokens), "tokens",
                "synthetic: mean new prompt tokens per proactive turn", kTokens)
          .real(XPUSIM_KEY(C, proactive_output_tokens), "tokens",
                "synthetic: mean output tokens per proactive turn", kTokens)
          .real(XPUSIM_KEY(C, length_jitter), "",
                "synthetic: lengths uniform in mean x [1 - j, 1 + j]", {.min = 0, .max = 0.99})
          .real(XPUSIM_KEY(C, think_time_s), "s",
                "synthetic: mean user think time before a reactive turn (exponential)",
                kNonNegative)
          .real(XPUSIM_KEY(C, tool_wait_s), "s",
                "synthetic: mean tool-call time before a proactive turn (exponential)",
                kNonNegative)
          .rule([](const C& c) {
            if (c.trace && c.trace_path.empty())
              throw ParamError("trace_path", "source 'trace' needs trace_path (an agent trace CSV)");
          });
  return b;
}

std::vector<AgentFlow> generate_agent_flows(const AgentWorkloadConfig& p, std::uint64_t seed) {
  const double duration = p.duration_s;
  const double jitter = p.length_jitter;
  std::vector<AgentFlow> flows;
  for (FlowClass cls : {FlowClass::Reactive, FlowClass::Proactive}) {
    const std::string c = flow_class_name(cls);
    const bool reactive = cls == FlowClass::Reactive;
    const ClassShape shape =
        reactive ? ClassShape{p.reactive_rate_per_s, p.reactive_turns, p.reactive_prompt_tokens,
                              p.reactive_output_tokens}
                 : ClassShape{p.proactive_rate_per_s, p.proactive_turns,
                              p.proactive_prompt_tokens, p.proactive_output_tokens};
    if (shape.rate_per_s <= 0) continue;
    // One stream per class, so changing one class's load never moves the other's flows.
    RngStream arrivals(seed, "agent_workload." + c + ".arrivals");
    RngStream lengths(seed, "agent_workload." + c + ".lengths");
    const double mean_gap = reactive ? p.think_time_s : p.tool_wait_s;
    for (double t = arrivals.exponential(shape.rate_per_s); t < duration;
         t += arrivals.exponential(shape.rate_per_s)) {
      AgentFlow f;
      f.cls = cls;
      f.arrival_s = t;
      for (int k = 0; k < shape.turns; ++k) {
        AgentTurn turn;
        turn.prompt_tokens = jittered(lengths, shape.prompt, jitter);
        turn.output_tokens = jittered(lengths, shape.output, jitter);
        if (k > 0 && mean_gap > 0) {
          const double gap = lengths.exponential(1.0 / mean_gap);
          (cls == FlowClass::Reactive ? turn.think_s : turn.tool_wait_s) = gap;
        }
        f.turns.push_back(turn);
      }
      flows.push_back(std::move(f));
    }
  }
  std::stable_sort(flows.begin(), flows.end(), [](const AgentFlow& a, const AgentFlow& b) {
    if (a.arrival_s != b.arrival_s) return a.arrival_s < b.arrival_s;
    return a.cls < b.cls;
  });
  for (std::size_t i = 0; i < flows.size(); ++i) flows[i].id = static_cast<int>(i);
  return flows;
}

std::vector<AgentFlow> read_agent_trace(const std::filesystem::path& path) {
  CsvReader csv(path);
  static const char* kHeader[] = {"flow_id",       "class",   "arrival_s",  "prompt_tokens",
                                  "output_tokens", "think_s", "tool_wait_s"};
  if (!csv.next_line())
    csv.fail(
        "empty file; expected the header " +
        std::string("flow_id,class,arrival_s,prompt_tokens,output_tokens,think_s,tool_wait_s"));
  if (csv.field_count() != 7)
    csv.fail(
        "expected 7 header columns: "
        "flow_id,class,arrival_s,prompt_tokens,output_tokens,think_s,tool_wait_s");
  for (std::size_t i = 0; i < 7; ++i)
    if (csv.field(i) != kHeader[i])
      csv.fail("header column " + std::to_string(i + 1) + " is " + quoted_excerpt(csv.field(i)) +
               ", expected '" + kHeader[i] + "'");
  std::vector<AgentFlow> flows;
  std::int64_t current = -1;
  std::vector<std::int64_t> seen;
  double flow_span = 0;  // arrival + every think/tool-wait time of the current flow so far
  std::int64_t current_span_id = -1;
  while (csv.next_line()) {
    if (csv.field_count() != 7)
      csv.fail("expected 7 fields, got " + std::to_string(csv.field_count()));
    const std::int64_t id = csv.integer(0, "flow_id", 0, INT32_MAX);
    const std::string_view cls = csv.field(1);
    if (cls != "reactive" && cls != "proactive")
      csv.fail("class " + quoted_excerpt(cls) + ": expected reactive or proactive");
    // Times stay within the int64-ns horizon (9.2e9 s), also summed over a flow's turns.
    const double arrival = csv.real(2, "arrival_s", 0, kMaxTraceSeconds);
    AgentTurn turn;
    turn.prompt_tokens = csv.integer(3, "prompt_tokens", 1, 10'000'000);
    turn.output_tokens = csv.integer(4, "output_tokens", 1, 10'000'000);
    turn.think_s = csv.real(5, "think_s", 0, kMaxTraceSeconds);
    turn.tool_wait_s = csv.real(6, "tool_wait_s", 0, kMaxTraceSeconds);
    if (id != current) {
      if (std::find(seen.begin(), seen.end(), id) != seen.end())
        csv.fail("flow " + std::to_string(id) +
                 " appears again after other flows; a flow's rows must be consecutive");
      seen.push_back(id);
      current = id;
      AgentFlow f;
      f.cls = cls == "reactive" ? FlowClass::Reactive : FlowClass::Proactive;
      f.arrival_s = arrival;
      flows.push_back(std::move(f));
    } else {
      AgentFlow& f = flows.back();
      if (arrival != f.arrival_s) csv.fail("arrival_s differs from the flow's first row");
      if (flow_class_name(f.cls) != cls) csv.fail("class differs from the flow's first row");
    }
    flows.back().turns.push_back(turn);
    if (id != current_span_id) flow_span = arrival, current_span_id = id;
    flow_span += turn.think_s + turn.tool_wait_s;
    if (flow_span > kMaxTraceSeconds)
      csv.fail("flow " + std::to_string(id) + " reaches " +
               std::to_string(static_cast<long long>(flow_span)) +
               " s with its think and tool-wait times, past the simulable 9.2e9 s (int64 ns)");
  }
  if (flows.empty())
    throw Error(csv.file_name() + ": no data rows after the header (expected at least one flow)");
  std::stable_sort(flows.begin(), flows.end(), [](const AgentFlow& a, const AgentFlow& b) {
    return a.arrival_s < b.arrival_s;
  });
  for (std::size_t i = 0; i < flows.size(); ++i) flows[i].id = static_cast<int>(i);
  return flows;
}

std::vector<AgentFlow> load_agent_flows(const AgentWorkloadConfig& config, std::uint64_t seed,
                                        const std::filesystem::path& base_dir) {
  if (!config.trace) return generate_agent_flows(config, seed);  // (binding checks trace_path)
  std::filesystem::path p = config.trace_path;
  if (p.is_relative()) p = base_dir / p;
  return read_agent_trace(p);
}

}  // namespace xpusim::workload
