#include "xpusim/model/op_graph.hpp"

#include <boost/graph/topological_sort.hpp>
#include <iterator>

#include "xpusim/model/operator_costs.hpp"

namespace xpusim::model {
namespace {

bool in_attention_group(Op op) {
  switch (op) {
    case Op::InputNorm:
    case Op::Qkv:
    case Op::Rope:
    case Op::DecodeAttention:
    case Op::PrefillAttention:
    case Op::OutProj:
    case Op::AttnResidual:
      return true;
    default:
      return false;
  }
}

void add(OpGroup& g, Op op, const OpWork& w) {
  if (op_class(op) == OpClass::Attention)
    g.attention_flops += w.flops;
  else
    g.gemm_flops += w.flops;
  g.bytes += w.bytes;
}

}  // namespace

OpGraph OpGraph::iteration(const ModelSpec& model, const BatchShape& batch) {
  OpGraph out;
  const OperatorCosts costs(model, 1);
  const LayerTokens tokens = LayerTokens::of(batch, true);
  const hw::WorkKind attention_kind =
      batch.prefill_tokens > 0 ? hw::WorkKind::PrefillAttention : hw::WorkKind::DecodeAttention;
  OpWorks works{};
  Graph::vertex_descriptor previous = Graph::null_vertex();
  auto append = [&](const OpGroup& g) {
    const auto v = boost::add_vertex(g, out.graph_);
    if (previous != Graph::null_vertex()) boost::add_edge(previous, v, out.graph_);
    previous = v;
  };
  for (int layer = 0; layer < model.num_layers; ++layer) {
    const bool moe = model.is_moe() && layer >= model.first_dense_layers;
    costs.layer(tokens, moe, works);
    OpGroup attention{attention_kind, layer}, ffn{hw::WorkKind::Dense, layer};
    for (int i = 0; i < kOpCount; ++i) {
      const Op op = static_cast<Op>(i);
      if (works[i].empty()) continue;
      add(in_attention_group(op) ? attention : ffn, op, works[i]);
    }
    append(attention);
    append(ffn);
  }
  costs.head(batch, works);
  OpGroup head{hw::WorkKind::Dense, -1};
  for (int i = 0; i < kOpCount; ++i)
    if (!works[i].empty()) add(head, static_cast<Op>(i), works[i]);
  append(head);

  std::vector<Graph::vertex_descriptor> reversed;
  boost::topological_sort(out.graph_, std::back_inserter(reversed));
  for (auto it = reversed.rbegin(); it != reversed.rend(); ++it)
    out.order_.push_back(out.graph_[*it]);
  return out;
}

std::optional<hw::EngineWork> engine_work(const hw::SocSpec& soc, hw::EngineKind engine,
                                          const OpGroup& group, hw::DType weight_dtype,
                                          double share, double clock) {
  const hw::EngineSpec& e = soc.engine(engine);
  if (!e.supports(group.kind)) return std::nullopt;
  const double peak = e.peak_ops(weight_dtype);
  const double dense_rate = peak * e.efficiency[static_cast<int>(hw::WorkKind::Dense)];
  const double attention_rate =
      peak * e.efficiency[static_cast<int>(
                 group.kind == hw::WorkKind::Dense ? hw::WorkKind::PrefillAttention : group.kind)];
  hw::EngineWork w;
  w.compute_ns = share * group.gemm_flops / dense_rate * 1e9;
  if (group.attention_flops > 0)
    w.compute_ns += share * group.attention_flops / attention_rate * 1e9;
  if (clock != 1.0) w.compute_ns /= clock;
  w.memory_ns = share * group.bytes / (soc.ddr_bw_bytes_per_s * e.memory_efficiency) * 1e9;
  w.fixed_ns = static_cast<double>(e.dispatch_ns);
  return w;
}

}  // namespace xpusim::model
