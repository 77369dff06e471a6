#include "xpusim/model/engine_overhead_model.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"

namespace xpusim::model {

double EngineOverhead::cpu_seconds(const BatchShape& b) const {
  const double seqs = double(b.decode_seqs + b.prefill_seqs);
  // Every decode sequence samples a token; a prefill sequence does when its last chunk runs,
  // which BatchShape does not say, so every prefill sequence is counted (as the LM head is).
  return fixed_s + per_seq_s * seqs + per_sampled_token_s * seqs;
}

double EngineOverhead::iteration_seconds(double gpu_s, const BatchShape& b) const {
  const double cpu = cpu_seconds(b);
  const double hidden = overlap * cpu;
  return gpu_s + (cpu - hidden) + std::max(0.0, hidden - gpu_s);
}

const ParamBinding<EngineOverhead>& EngineOverhead::binding() {
  using C = EngineOverhead;
  static const auto b =
      ParamBinding<C>()
          .string(XPUSIM_KEY(C, name), "label of the engine preset (reports only)")
          .real("fixed_us", &C::fixed_s, "us", "CPU time per iteration independent of the batch",
                {.min = 0, .max = 1e6})
          .scale(1e-6)
          .real("per_seq_us", &C::per_seq_s, "us",
                "CPU time per sequence in the iteration (scheduling, input preparation)",
                {.min = 0, .max = 1e5})
          .scale(1e-6)
          .real("per_sampled_token_us", &C::per_sampled_token_s, "us",
                "CPU time per token sampled (sampling, detokenisation, output to the API)",
                {.min = 0, .max = 1e5})
          .scale(1e-6)
          .real(XPUSIM_KEY(C, overlap), "",
                "fraction of the CPU time overlapped with GPU execution (asynchronous scheduling)",
                {.min = 0, .max = 1})
          .real(XPUSIM_KEY(C, gpu_time_scale), "",
                "multiplies the execution model's iteration time (a calibrated efficiency factor)",
                {.min = 0, .max = 100, .min_exclusive = true});
  return b;
}

EngineOverheadModel::EngineOverheadModel(std::unique_ptr<ExecutionModel> inner,
                                         EngineOverhead engine)
    : inner_(std::move(inner)), engine_(std::move(engine)) {
  if (!inner_) throw Error("engine overhead: no execution model to wrap");
}

IterationCost EngineOverheadModel::estimate(const BatchShape& batch) const {
  IterationCost cost = inner_->estimate(batch);
  if (batch.empty()) return cost;
  const double inner_s = double(cost.time_ns) * 1e-9;
  const double wall_s = engine_.iteration_seconds(inner_s * engine_.gpu_time_scale, batch);
  cost.time_ns = duration_ns_ceil(wall_s);
  // The same work over a longer wall time: achieved utilisation falls in proportion.
  if (wall_s > 0) cost.activity = std::clamp(cost.activity * inner_s / wall_s, 0.0, 1.0);
  return cost;
}

}  // namespace xpusim::model
