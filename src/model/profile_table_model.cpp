#include "xpusim/model/profile_table_model.hpp"

#include <algorithm>
#include <cmath>

#include "xpusim/core/error.hpp"

namespace xpusim::model {
namespace {

// Vidur's mlp.csv profiles dense transformer layers only.
void require_dense(const ModelSpec& m) {
  if (m.is_moe())
    throw Error("execution model profile_table: model '" + m.name +
                "' is a mixture of experts, but a profile table has no expert operators; use "
                "the roofline model");
}

std::optional<AttentionTable> load_attention(const ModelSpec& m, const Placement& p,
                                             const ProfileTableConfig& c) {
  if (c.attention_table.empty()) return std::nullopt;
  const AttentionTable::Options options{c.attention_table, p.tensor_parallel, c.statistic,
                                        c.extrapolate};
  return AttentionTable::load(options, AttentionShape{m.hidden, m.num_heads, m.num_kv_heads});
}

// The chunk length n that, after `cached` tokens, has `pairs` causal (query, key) pairs:
// n*c + n(n+1)/2 = pairs, solved for n >= 0.
double equivalent_chunk(double pairs, double cached) {
  const double b = cached + 0.5;
  return -b + std::sqrt(b * b + 2.0 * pairs);
}

ProfileTable load_table(const ModelSpec& m, const Placement& p, const ProfileTableConfig& c) {
  require_dense(m);
  const ProfileTable::Options options{c.table, p.tensor_parallel, c.statistic, c.extrapolate};
  return ProfileTable::load(options,
                            ProfileShape{m.hidden, m.num_heads, m.num_kv_heads, m.ffn_hidden});
}

}  // namespace

const ParamBinding<ProfileTableConfig>& profile_table_binding() {
  using C = ProfileTableConfig;
  static const auto b =
      ParamBinding<C>()
          .string(XPUSIM_KEY(C, table),
                  "profile CSV in Vidur's mlp.csv layout (ms per layer); a relative path is "
                  "resolved against the scenario file's folder")
          .required()
          .string(XPUSIM_KEY(C, attention_table),
                  "attention CSV in Vidur's attention.csv layout (ms per layer; prefill by chunk "
                  "x cached KV, decode by batch x KV length); empty = attention from the roofline; "
                  "a relative path is resolved against the scenario file's folder")
          .choice(XPUSIM_KEY(C, statistic),
                  {{"median", ProfileStatistic::Median},
                   {"mean", ProfileStatistic::Mean},
                   {"min", ProfileStatistic::Min}},
                  "which per-operator statistic of the table's repeated runs to use")
          .boolean(XPUSIM_KEY(C, extrapolate),
                   "beyond the table's token range, extrapolate linearly from the two outermost "
                   "points instead of failing")
          .group(roofline_binding(), &C::roofline);
  return b;
}

ProfileTableModel::ProfileTableModel(ModelSpec model, Placement placement,
                                     const ProfileTableConfig& config)
    : ProfileTableModel(model, placement, load_table(model, placement, config), config.roofline,
                        load_attention(model, placement, config)) {}

ProfileTableModel::ProfileTableModel(ModelSpec model, Placement placement, ProfileTable table,
                                     RooflineFactors factors,
                                     std::optional<AttentionTable> attention)
    : model_(std::move(model)),
      roofline_(model_, placement, factors),
      table_(std::move(table)),
      attention_(std::move(attention)),
      memory_bw_(placement.device.memory_bw_bytes_per_s) {
  require_dense(model_);
  // Measured times carry the clock they were measured at; there is no compute term to stretch.
  if (placement.device.sm_clock_mhz > 0)
    throw Error("hardware.sm_clock_mhz needs the roofline execution model: the profile table's "
                "timings were measured at the GPU's own clock (execution: {model: roofline})");
}

double ProfileTableModel::attention_seconds(const LayerTokens& t, double prefill_seqs,
                                           const OpWorks& work) const {
  const bool has_prefill = t.prefill_tokens > 0;
  if (!attention_) return roofline_.attention_seconds(t, prefill_seqs, work);
  double seconds = 0;
  if (t.decode_seqs > 0)
    seconds += attention_->decode_seconds(t.decode_seqs, t.decode_context / t.decode_seqs);
  if (has_prefill && prefill_seqs > 0) {
    // Each prefill sequence as the mean one: mean cached prefix, and the chunk length that
    // keeps the iteration's causal pairs (so the quadratic work is not lost to averaging).
    const double cached = t.prefill_cached / prefill_seqs;
    const double chunk = std::max(1.0, equivalent_chunk(t.prefill_pairs / prefill_seqs, cached));
    seconds += prefill_seqs * attention_->prefill_seconds(chunk, cached);
  }
  return seconds;
}

void ProfileTableModel::add_layers(const LayerTokens& t, double prefill_seqs,
                                   double table_layer_s, double count, Totals& s) const {
  if (count <= 0 || t.tokens() <= 0) return;
  // The roofline's operator work gives FLOPs, bytes and the attention time; the table the rest.
  OpWorks work;
  roofline_.costs().layer(t, false, work);
  double flops = 0, bytes = 0;
  for (const OpWork& w : work) {
    flops += w.flops;
    bytes += w.bytes;
  }
  const double attention = attention_seconds(t, prefill_seqs, work);
  const auto& costs = roofline_.costs();
  const double comm =
      costs.allreduces_per_layer() * roofline_.allreduce_seconds(costs.allreduce_bytes(t.tokens()));
  s.seconds += count * (table_layer_s + attention + comm);
  s.comm_seconds += count * comm;
  s.flops += count * flops;
  s.bytes += count * bytes;
}

void ProfileTableModel::add_head(const BatchShape& batch, double table_embedding_s,
                                 Totals& s) const {
  OpWorks work;
  roofline_.costs().head(batch, work);
  for (const OpWork& w : work) {
    s.flops += w.flops;
    s.bytes += w.bytes;
  }
  // The table measures the embedding; the final norm and the LM head are not in it.
  const bool has_prefill = batch.prefill_tokens > 0;
  s.seconds += table_embedding_s +
               roofline_.op_seconds(Op::FinalNorm, work[int(Op::FinalNorm)], has_prefill) +
               roofline_.op_seconds(Op::LmHead, work[int(Op::LmHead)], has_prefill);
  const auto& costs = roofline_.costs();
  const double comm =
      costs.allreduces_per_iteration() *
      roofline_.allreduce_seconds(costs.allreduce_bytes(double(batch.total_tokens())));
  s.seconds += comm;
  s.comm_seconds += comm;
}

IterationCost ProfileTableModel::estimate(const BatchShape& batch) const {
  IterationCost cost;
  if (batch.empty()) return cost;
  // Layered prefill as in the roofline: the prefill tokens go through a fraction f of the
  // layers, the other layers run the decode tokens alone.
  const double f =
      batch.prefill_tokens > 0 ? std::clamp(batch.prefill_layer_fraction, 0.0, 1.0) : 1.0;
  const LayerTokens all = LayerTokens::of(batch, true);
  const LayerTokens decode_only = LayerTokens::of(batch, false);
  const double layers = model_.num_layers;
  const ProfileTimes at_all = table_.at(all.tokens());
  Totals s;
  const double prefill_seqs = double(batch.prefill_seqs);
  add_layers(all, prefill_seqs, at_all.layer_s, layers * f, s);
  if (f < 1.0 && decode_only.tokens() > 0)
    add_layers(decode_only, 0.0, table_.at(decode_only.tokens()).layer_s, layers * (1.0 - f), s);
  add_head(batch, at_all.embedding_s, s);
  const RooflineFactors& k = roofline_.factors();
  s.seconds += k.per_layer_overhead_s * model_.num_layers + k.iteration_overhead_s;

  cost.time_ns = duration_ns_ceil(s.seconds);
  cost.flops = s.flops;
  cost.bytes = s.bytes;
  cost.comm_ns = s.comm_seconds * 1e9;
  const double compute_util = s.flops / (s.seconds * roofline_.compute_peak_flops());
  const double memory_util = s.bytes / (s.seconds * memory_bw_);
  // A power cap only clamps the draw here: measured tables carry no clock to lower.
  cost.activity = std::min(roofline_.device().activity(compute_util, memory_util),
                           roofline_.device().max_activity());
  return cost;
}

}  // namespace xpusim::model
