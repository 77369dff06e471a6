#include "xpusim/systems/two_batch_overlap.hpp"

#include <algorithm>
#include <cmath>

namespace xpusim::systems {

namespace {

// ceil(x / g) for counts.
std::int64_t share_up(std::int64_t x, int g) { return (x + g - 1) / g; }

std::int64_t scaled_up(double share, std::int64_t x) {
  return static_cast<std::int64_t>(std::ceil(share * static_cast<double>(x)));
}

}  // namespace

double sequential_layer_seconds(const LayerPass& whole) { return whole.compute_s + whole.comm_s; }

double overlapped_layer_seconds(const LayerPass& a, const LayerPass& b) {
  return std::max({a.compute_s + b.compute_s, a.comm_s + b.comm_s, a.compute_s + a.comm_s,
                   b.compute_s + b.comm_s});
}

model::BatchShape busiest_share(const model::BatchShape& b, int parts) {
  model::BatchShape r = b;
  if (b.decode_seqs > 0) {
    r.decode_seqs = share_up(b.decode_seqs, parts);
    const double share = static_cast<double>(r.decode_seqs) / b.decode_seqs;
    r.decode_context_sum = scaled_up(share, b.decode_context_sum);
  }
  if (b.prefill_seqs > 0) {
    r.prefill_seqs = share_up(b.prefill_seqs, parts);
    const double share = static_cast<double>(r.prefill_seqs) / b.prefill_seqs;
    r.prefill_tokens = scaled_up(share, b.prefill_tokens);
    r.prefill_cached_sum = scaled_up(share, b.prefill_cached_sum);
    r.prefill_attention_pairs = share * b.prefill_attention_pairs;
  }
  return r;
}

MicroBatches split_micro_batches(const model::BatchShape& rank) {
  MicroBatches m;
  m.first = busiest_share(rank, 2);
  model::BatchShape& s = m.second;
  s.decode_seqs = rank.decode_seqs - m.first.decode_seqs;
  s.decode_context_sum = rank.decode_context_sum - m.first.decode_context_sum;
  s.prefill_seqs = rank.prefill_seqs - m.first.prefill_seqs;
  s.prefill_tokens = rank.prefill_tokens - m.first.prefill_tokens;
  s.prefill_cached_sum = rank.prefill_cached_sum - m.first.prefill_cached_sum;
  s.prefill_attention_pairs = rank.prefill_attention_pairs - m.first.prefill_attention_pairs;
  s.prefill_layer_fraction = rank.prefill_layer_fraction;
  return m;
}

}  // namespace xpusim::systems
