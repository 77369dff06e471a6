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

}  // namespace

ParamBinding<LengthSpec> length_binding(const std::string& prefix) {
  const std::string what = prefix == "prompt" ? "prompt (input)" : prefix;
  auto b = ParamBinding<LengthSpec>();
  b.choice(prefix + "_dist", &LengthSpec::kind,
           {{"fixed", LengthKind::Fixed},
            {"uniform", LengthKind::Uniform},
            {"lognormal", LengthKind::Lognormal},
            {"empirical", LengthKind::Empirical}},
           what + " length distribution: fixed = " + prefix + "_mean; uniform over [" + prefix +
               "_min, " + prefix + "_max]; lognormal with " + prefix + "_mean and " + prefix +
               "_cv; empirical = resample a column of " + prefix + "_trace")
      .real(prefix + "_mean", &LengthSpec::mean, "tokens",
            "mean " + what + " length (fixed: the length itself)",
            {.min = 0, .max = kMaxTokens, .min_exclusive = true})
      .real(prefix + "_cv", &LengthSpec::cv, "",
            "lognormal coefficient of variation (stddev / mean)", {.min = 0, .max = 100})
      .integer(prefix + "_min", &LengthSpec::min, "tokens",
               "smallest " + what +
                   " length; uniform range start; lognormal and empirical draws are raised to it",
               {.min = 1, .max = kMaxTokens})
      .integer(prefix + "_max", &LengthSpec::max, "tokens",
               "largest " + what +
                   " length; uniform range end; lognormal and empirical draws are cut to it",
               {.min = 1, .max = kMaxTokens})
      .string(prefix + "_trace", &LengthSpec::trace,
              "trace file an empirical " + what +
                  " length is drawn from (relative to the scenario file)")
      .choice(prefix + "_trace_format", &LengthSpec::trace_format, trace_format_choices(),
              "format of " + prefix + "_trace")
      .rule([prefix](const LengthSpec& spec) {
        if (spec.min > spec.max)
          throw ParamError(prefix + "_max", "key '" + prefix + "_max': " +
                                                std::to_string(spec.max) + " is below " + prefix +
                                                "_min = " + std::to_string(spec.min) +
                                                " (expected max >= min)");
        if (spec.kind == LengthKind::Fixed && std::llround(spec.mean) < 1)
          throw ParamError(prefix + "_mean", "key '" + prefix +
                                                 "_mean': a fixed length rounds to 0 "
                                                 "tokens (expected a mean >= 0.5)");
        if (spec.kind == LengthKind::Empirical && spec.trace.empty())
          throw ParamError(prefix + "_trace", "key '" + prefix +
                                                  "_trace': missing (expected a trace "
                                                  "file path when " +
                                                  prefix + "_dist is empirical)");
      });
  return b;
}

void resolve_length_trace(LengthSpec& spec, const std::filesystem::path& base_dir) {
  if (spec.kind == LengthKind::Empirical)
    spec.trace = base_dir / spec.trace;
  else
    spec.trace.clear();
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
