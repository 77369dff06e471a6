#include "xpusim/workload/length_distribution.hpp"

#include <cmath>
#include <limits>

#include "xpusim/workload/empirical_length.hpp"
#include "xpusim/workload/fixed_length.hpp"
#include "xpusim/workload/lognormal_length.hpp"
#include "xpusim/workload/uniform_length.hpp"

namespace xpusim::workload {
namespace {

constexpr double kMaxTokens = std::numeric_limits<std::int32_t>::max();

LengthKind parse_kind(const std::string& name) {
  if (name == "fixed") return LengthKind::Fixed;
  if (name == "uniform") return LengthKind::Uniform;
  if (name == "empirical") return LengthKind::Empirical;
  return LengthKind::Lognormal;  // the schema's choice list admits nothing else
}

}  // namespace

ParamSchema length_schema(const std::string& prefix, const LengthDefaults& d) {
  const std::string what = prefix == "prompt" ? "prompt (input)" : prefix;
  ParamSchema s;
  s.choice(prefix + "_dist", "lognormal", {"fixed", "uniform", "lognormal", "empirical"},
           what + " length distribution: fixed = " + prefix + "_mean; uniform over [" + prefix +
               "_min, " + prefix + "_max]; lognormal with " + prefix + "_mean and " + prefix +
               "_cv; empirical = resample a column of " + prefix + "_trace")
      .real(prefix + "_mean", d.mean, "tokens",
            "mean " + what + " length (fixed: the length itself)",
            {.min = 0, .max = kMaxTokens, .min_exclusive = true})
      .real(prefix + "_cv", d.cv, "", "lognormal coefficient of variation (stddev / mean)",
            {.min = 0, .max = 100})
      .integer(prefix + "_min", 1, "tokens",
               "smallest " + what +
                   " length; uniform range start; lognormal and empirical draws are raised to it",
               {.min = 1, .max = kMaxTokens})
      .integer(prefix + "_max", d.max, "tokens",
               "largest " + what +
                   " length; uniform range end; lognormal and empirical draws are cut to it",
               {.min = 1, .max = kMaxTokens})
      .string(prefix + "_trace", "",
              "trace file an empirical " + what +
                  " length is drawn from (relative to the scenario file)")
      .choice(prefix + "_trace_format", "azure", {"azure", "xpusim", "burstgpt", "mooncake"},
              "format of " + prefix + "_trace");
  return s;
}

LengthSpec length_spec_from(const Params& p, const std::string& prefix, TraceColumn column,
                            const std::filesystem::path& base_dir) {
  LengthSpec spec;
  spec.kind = parse_kind(p.string(prefix + "_dist"));
  spec.mean = p.real(prefix + "_mean");
  spec.cv = p.real(prefix + "_cv");
  spec.min = static_cast<std::int32_t>(p.integer(prefix + "_min"));
  spec.max = static_cast<std::int32_t>(p.integer(prefix + "_max"));
  spec.column = column;
  spec.trace_format = parse_trace_format(p.string(prefix + "_trace_format"));
  if (spec.min > spec.max)
    throw ParamError(prefix + "_max",
                     "key '" + prefix + "_max': " + std::to_string(spec.max) + " is below " +
                         prefix + "_min = " + std::to_string(spec.min) + " (expected max >= min)");
  if (spec.kind == LengthKind::Fixed && std::llround(spec.mean) < 1)
    throw ParamError(prefix + "_mean", "key '" + prefix +
                                           "_mean': a fixed length rounds to 0 "
                                           "tokens (expected a mean >= 0.5)");
  const std::string& trace = p.string(prefix + "_trace");
  if (spec.kind == LengthKind::Empirical) {
    if (trace.empty())
      throw ParamError(prefix + "_trace", "key '" + prefix +
                                              "_trace': missing (expected a trace "
                                              "file path when " +
                                              prefix + "_dist is empirical)");
    spec.trace = base_dir / trace;
  }
  return spec;
}

std::unique_ptr<LengthDistribution> make_length_distribution(const LengthSpec& spec) {
  switch (spec.kind) {
    case LengthKind::Fixed:
      return std::make_unique<FixedLength>(static_cast<std::int32_t>(std::llround(spec.mean)));
    case LengthKind::Uniform:
      return std::make_unique<UniformLength>(spec.min, spec.max);
    case LengthKind::Lognormal:
      return std::make_unique<LognormalLength>(spec.mean, spec.cv, spec.min, spec.max);
    case LengthKind::Empirical:
      return std::make_unique<EmpiricalLength>(
          EmpiricalLength::load(spec.trace, spec.trace_format, spec.column), spec.min, spec.max);
  }
  return nullptr;
}

}  // namespace xpusim::workload
