#include "xpusim/systems/moe_cost_model.hpp"

#include <algorithm>
#include <utility>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

MoeCostModel::MoeCostModel(const model::ModelSpec& model, const hw::DeviceSpec& device,
                           policy::EpShape shape, EpLinks links, bool training, int seq_len,
                           model::RooflineFactors factors,
                           std::shared_ptr<const model::ExecutionModel> experts)
    : roofline_(model, model::Placement{device, 1, 0, 0}, factors),
      experts_(std::move(experts)),
      shape_(shape),
      links_(links),
      training_(training),
      seq_len_(seq_len) {
  const double bpe = hw::bytes_per_element(model.dtype);
  hidden_bytes_ = model.hidden * bpe;
  expert_bytes_ = model.expert_params() * bpe;
  if (experts_ && !experts_->routed_expert_seconds(1, 1, training_))
    throw Error("execution model '" + experts_->name() + "' cannot time routed experts");
}

double MoeCostModel::dense_seconds(double tokens) const {
  if (tokens <= 0) return 0.0;
  model::LayerTokens t;
  if (training_) {
    t.prefill_tokens = tokens;
    t.prefill_pairs = tokens * (seq_len_ + 1) / 2.0;  // causal pairs of seq_len-token sequences
  } else {
    t.decode_seqs = tokens;
    t.decode_context = tokens * seq_len_;
  }
  model::OpWorks works{};
  roofline_.costs().layer(t, true, works);
  double s = 0;
  for (int i = 0; i < model::kOpCount; ++i) {
    const auto op = static_cast<model::Op>(i);
    if (op == model::Op::UpGate || op == model::Op::Act || op == model::Op::Down) continue;
    s += roofline_.op_seconds(op, works[i], training_);
  }
  return s;
}

double MoeCostModel::expert_seconds(double tokens, int active_experts) const {
  return expert_seconds(tokens, active_experts, training_);
}

double MoeCostModel::expert_seconds(double tokens, int active_experts, bool prefill) const {
  const model::ExecutionModel& timer =
      experts_ ? *experts_ : static_cast<const model::ExecutionModel&>(roofline_);
  return *timer.routed_expert_seconds(tokens, active_experts, prefill);
}

AllToAll MoeCostModel::port_time(const std::vector<double>& nvl_in,
                                 const std::vector<double>& nvl_out,
                                 const std::vector<double>& net_in,
                                 const std::vector<double>& net_out) const {
  AllToAll out;
  double slowest = 0, any_net = 0;
  for (int g = 0; g < shape_.gpus; ++g) {
    const double nvl = std::max(nvl_in[g], nvl_out[g]);
    const double net = std::max(net_in[g], net_out[g]);
    const double t =
        std::max(links_.nvlink_bw_bytes_per_s > 0 ? nvl / links_.nvlink_bw_bytes_per_s : 0.0,
                 links_.network_bw_bytes_per_s > 0 ? net / links_.network_bw_bytes_per_s : 0.0);
    slowest = std::max(slowest, t);
    out.bytes += nvl_in[g] + net_in[g];
    any_net += net_in[g];
  }
  if (out.bytes <= 0) return out;
  out.seconds = slowest + (any_net > 0 ? links_.network_latency_s : links_.nvlink_latency_s);
  return out;
}

AllToAll MoeCostModel::all_to_all(const std::vector<double>& gpu_tokens) const {
  const int n = shape_.gpus;
  std::vector<double> nvl_in(n, 0), nvl_out(n, 0), net_in(n, 0), net_out(n, 0);
  // Source i holds 1/n of the tokens and sends gpu_tokens[g] / n of them to g.
  for (int g = 0; g < n; ++g) {
    const double per_source = gpu_tokens[g] / n * hidden_bytes_;
    for (int i = 0; i < n; ++i) {
      if (i == g) continue;
      if (shape_.node_of_gpu(i) == shape_.node_of_gpu(g))
        nvl_in[g] += per_source, nvl_out[i] += per_source;
      else
        net_in[g] += per_source, net_out[i] += per_source;
    }
  }
  return port_time(nvl_in, nvl_out, net_in, net_out);
}

AllToAll MoeCostModel::weight_moves(const policy::ExpertLayout& from,
                                    const policy::ExpertLayout& to) const {
  const int n = shape_.gpus;
  std::vector<double> nvl_in(n, 0), nvl_out(n, 0), net_in(n, 0), net_out(n, 0);
  for (int g = 0; g < n; ++g) {
    for (int s = g * shape_.slots_per_gpu; s < (g + 1) * shape_.slots_per_gpu; ++s) {
      const int e = to.phy2log[s];
      if (e < 0 || from.holds(shape_, g, e)) continue;
      // Nearest holder: same node first (lowest index), else any GPU (lowest index).
      int src = -1;
      for (int h = 0; h < n && src < 0; ++h)
        if (shape_.node_of_gpu(h) == shape_.node_of_gpu(g) && from.holds(shape_, h, e)) src = h;
      const bool same_node = src >= 0;
      for (int h = 0; h < n && src < 0; ++h)
        if (from.holds(shape_, h, e)) src = h;
      XPUSIM_CHECK(src >= 0, "weight_moves: expert held nowhere");
      if (same_node)
        nvl_in[g] += expert_bytes_, nvl_out[src] += expert_bytes_;
      else
        net_in[g] += expert_bytes_, net_out[src] += expert_bytes_;
    }
  }
  return port_time(nvl_in, nvl_out, net_in, net_out);
}

}  // namespace xpusim::systems
