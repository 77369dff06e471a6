#include "xpusim/report/serving_moe_metrics.hpp"

namespace xpusim::report {

void ServingMoeMetrics::on_layer(const systems::MoeLayerRecord& r) {
  max_sum_ += r.max_gpu_tokens;
  mean_sum_ += r.mean_gpu_tokens;
  all_to_all_s_ += static_cast<double>(r.all_to_all_ns) * 1e-9;
  expert_s_ += static_cast<double>(r.time_ns - r.all_to_all_ns) * 1e-9;
  all_to_all_bytes_ += r.all_to_all_bytes;
  if (r.mean_gpu_tokens <= 0) return;
  const auto layer = static_cast<std::size_t>(r.layer);
  if (layer_passes_.size() <= layer) {
    layer_passes_.resize(layer + 1, 0);
    layer_imbalance_sum_.resize(layer + 1, 0.0);
  }
  layer_imbalance_sum_[layer] += r.max_gpu_tokens / r.mean_gpu_tokens;
  ++layer_passes_[layer];
}

void ServingMoeMetrics::on_step(const systems::MoeStepRecord& r) {
  if (mean_sum_ > 0) imbalance_.add(max_sum_ / mean_sum_);
  max_sum_ = mean_sum_ = 0;
  ++iterations_;
  if (r.placed) ++rebalances_;
  time_s_ += static_cast<double>(r.time_ns) * 1e-9;
  move_bytes_ += r.weight_move_bytes;
  move_exposed_s_ += static_cast<double>(r.weight_move_ns) * 1e-9;
}

nlohmann::json ServingMoeMetrics::summary() const {
  nlohmann::json j;
  j["expert_parallel"] = expert_parallel_;
  if (decode_expert_parallel_ > 0) j["decode_expert_parallel"] = decode_expert_parallel_;
  if (!pool_expert_parallel_.empty()) j["pool_expert_parallel"] = pool_expert_parallel_;
  j["placement"] = placement_;
  j["iterations"] = iterations_;
  j["imbalance"] = imbalance_.to_json();
  nlohmann::json per_layer = nlohmann::json::array();
  for (std::size_t l = 0; l < layer_passes_.size(); ++l)
    per_layer.push_back(layer_passes_[l] > 0 ? layer_imbalance_sum_[l] / layer_passes_[l] : 0.0);
  j["imbalance_per_layer_mean"] = per_layer;
  j["all_to_all_share"] = time_s_ > 0 ? all_to_all_s_ / time_s_ : 0.0;
  j["expert_share"] = time_s_ > 0 ? expert_s_ / time_s_ : 0.0;
  j["all_to_all_bytes"] = all_to_all_bytes_;
  j["rebalances"] = rebalances_;
  j["weight_moves"] = {{"bytes", move_bytes_}, {"exposed_s", move_exposed_s_}};
  return j;
}

}  // namespace xpusim::report
