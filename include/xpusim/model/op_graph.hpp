#pragma once
// One iteration of a model as a heterogeneous execution graph: a DAG (Boost.Graph) of operator
// groups — per layer an attention group (norm, QKV, RoPE, attention, output projection) and an
// FFN group, then the LM head — each with its FLOPs and bytes and the kind of work that decides
// which SoC engines may run it and how fast. Engines run one group at a time, so a flow can be
// preempted at any group boundary. A chunked prefill is the graph of one chunk.
#include <boost/graph/adjacency_list.hpp>
#include <optional>
#include <vector>

#include "xpusim/hw/shared_ddr.hpp"
#include "xpusim/hw/soc_spec.hpp"
#include "xpusim/model/batch_shape.hpp"
#include "xpusim/model/model_spec.hpp"

namespace xpusim::model {

struct OpGroup {
  hw::WorkKind kind = hw::WorkKind::Dense;  // the most restrictive work it contains
  int layer = -1;                           // -1: the once-per-iteration head
  double gemm_flops = 0;                    // static-shape GEMMs (and element-wise ops)
  double attention_flops = 0;
  double bytes = 0;  // weights, activations and KV read or written
};

class OpGraph {
 public:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, OpGroup>;

  // The graph of one iteration of `batch` (a prefill chunk, or a decode step of a batch).
  static OpGraph iteration(const ModelSpec& model, const BatchShape& batch);

  const Graph& graph() const { return graph_; }
  // Groups in an order that respects every dependency (topological).
  const std::vector<OpGroup>& order() const { return order_; }

 private:
  Graph graph_;
  std::vector<OpGroup> order_;
};

// Time of a group on an engine alone (SoC roofline: GEMM and attention FLOPs at the engine's
// peak times its efficiency for that kind of work, bytes at its share of the DDR bandwidth,
// plus its dispatch overhead); nullopt when the engine cannot run the group's kind of work.
// `share` in (0, 1] runs that fraction of the group (tensor partitioning). `clock` in (0, 1] is
// the engine's DVFS level clock: the compute term stretches by 1 / clock; the memory term (the
// DDR has its own clock) and the dispatch cost do not (docs/soc.md, "DVFS levels").
std::optional<hw::EngineWork> engine_work(const hw::SocSpec& soc, hw::EngineKind engine,
                                          const OpGroup& group, hw::DType weight_dtype,
                                          double share = 1.0, double clock = 1.0);

}  // namespace xpusim::model
