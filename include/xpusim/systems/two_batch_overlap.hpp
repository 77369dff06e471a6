#pragma once
// Two-batch overlap of an expert-parallel MoE layer (`expert_parallel.two_batch_overlap`;
// docs/moe.md, "Two-batch overlap"). DeepSeek's inference system ("dual micro-batch overlap")
// and SGLang (`--enable-two-batch-overlap`) split a batch into two micro-batches so that one's
// dispatch/combine all-to-all runs while the other computes. These are the pure parts: how a
// data-parallel rank's share of a batch splits, and how one MoE layer's time composes with and
// without the overlap.
#include "xpusim/model/batch_shape.hpp"

namespace xpusim::systems {

// One (micro-)batch's pass through one MoE layer: compute (its share of the attention and
// shared expert, plus its routed experts on the slowest GPU) and communication (dispatch +
// combine all-to-all), in seconds.
struct LayerPass {
  double compute_s = 0;
  double comm_s = 0;
};

// Without overlap the layer runs its parts one after the other: compute + communication.
double sequential_layer_seconds(const LayerPass& whole);

// Two micro-batches a and b on one compute stream and one communication stream, each
// micro-batch's compute and communication depending on each other in turn (attention ->
// dispatch -> experts -> combine -> next layer). In steady state a layer lasts the longest of
// the two streams' work (a.compute + b.compute, a.comm + b.comm) and of each micro-batch's own
// chain (compute + comm): with equal halves 2 max(compute, comm), against compute + comm
// summed without overlap. An empty b leaves a's chain alone: no overlap. The pipeline's fill at
// the first layer of an iteration (one stage, < 1/layers of it) is left out.
double overlapped_layer_seconds(const LayerPass& a, const LayerPass& b);

// The share of `batch` held by the busiest of `parts` holders when whole sequences are spread
// over them: ceil(n / parts) of the n decode and of the n prefill sequences, with their
// proportional share of the context, tokens, cached tokens and causal pairs (rounded up).
model::BatchShape busiest_share(const model::BatchShape& batch, int parts);

// A rank's batch split in two micro-batches of whole sequences: `first` is busiest_share(rank,
// 2), `second` the rest (empty when the rank holds one sequence).
struct MicroBatches {
  model::BatchShape first, second;
};
MicroBatches split_micro_batches(const model::BatchShape& rank);

}  // namespace xpusim::systems
