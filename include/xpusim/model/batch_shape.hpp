#pragma once
// One iteration's work in aggregate form. Instances keep these sums up to date incrementally,
// so estimating an iteration never walks the batch.
#include <cstdint>

namespace xpusim::model {

struct BatchShape {
  std::int64_t decode_seqs = 0;         // sequences producing one token each
  std::int64_t decode_context_sum = 0;  // sum over decode sequences of tokens already in KV
  std::int64_t prefill_seqs = 0;        // sequences processing (part of) their prompt
  std::int64_t prefill_tokens = 0;      // new prompt tokens processed this iteration
  // Sum over prefill sequences of n*c + n*(n+1)/2, where n = new tokens and c = tokens already
  // cached: the number of (query, key) pairs causal attention computes.
  double prefill_attention_pairs = 0;
  std::int64_t prefill_cached_sum = 0;  // sum of c (KV read by prefill attention)
  // Fraction of the model's layers this iteration runs for prefill (layered prefill); 1 = all.
  double prefill_layer_fraction = 1.0;

  std::int64_t total_tokens() const { return decode_seqs + prefill_tokens; }
  bool empty() const { return decode_seqs == 0 && prefill_tokens == 0; }
};

}  // namespace xpusim::model
