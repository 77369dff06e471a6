#pragma once
// Token-length distributions for synthetic workloads (prompt and output lengths).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/workload/trace_reader.hpp"

namespace xpusim::workload {

// Draws one token length (always >= 1) per call from the caller's stream.
class LengthDistribution {
 public:
  virtual ~LengthDistribution() = default;
  virtual std::int32_t sample(RngStream& rng) = 0;
};

enum class LengthKind { Fixed, Uniform, Lognormal, Empirical };
// Which column of a trace an empirical distribution samples.
enum class TraceColumn { Prompt, Output };

// Everything needed to build one distribution; `min`/`max` bound every kind but `fixed`.
struct LengthSpec {
  LengthKind kind = LengthKind::Lognormal;
  double mean = 1024;  // fixed: the value (rounded); lognormal: the mean before clipping
  double cv = 1;       // lognormal: standard deviation / mean
  std::int32_t min = 1;
  std::int32_t max = 32768;
  std::filesystem::path trace;  // empirical: the file (already resolved against base_dir)
  TraceFormat trace_format = TraceFormat::Azure;
  TraceColumn column = TraceColumn::Prompt;
};

// Binds `<prefix>_dist`, `_mean`, `_cv`, `_min`, `_max`, `_trace`, `_trace_format` to a
// LengthSpec (the defaults are the LengthSpec's the owner's Config holds); its rules throw
// ParamError naming the key for min > max, a fixed length of 0, or empirical without a trace.
ParamBinding<LengthSpec> length_binding(const std::string& prefix);
// Resolves an empirical distribution's trace against the scenario's folder (others keep none).
void resolve_length_trace(LengthSpec& spec, const std::filesystem::path& base_dir);
// Builds the distribution; an empirical one loads its trace column now (xpusim::Error if bad).
std::unique_ptr<LengthDistribution> make_length_distribution(const LengthSpec& spec);

}  // namespace xpusim::workload
