#include "xpusim/report/moe_metrics.hpp"

#include <iomanip>

namespace xpusim::report {

void MoeMetrics::on_layer(const systems::MoeLayerRecord& r) {
  LayerStats& l = per_layer_.at(r.layer);
  const double t = ns_to_seconds(r.time_ns), ideal = ns_to_seconds(r.ideal_ns);
  l.time_s += t, l.ideal_s += ideal, l.all_to_all_bytes += r.all_to_all_bytes;
  layer_s_ += t, ideal_layer_s_ += ideal;
  all_to_all_bytes_ += r.all_to_all_bytes;
  all_to_all_s_ += ns_to_seconds(r.all_to_all_ns);
  if (!r.backward && r.mean_gpu_tokens > 0) {
    const double imb = r.max_gpu_tokens / r.mean_gpu_tokens;
    l.imbalance.add(imb);
    imbalance_.add(imb);
  }
}

void MoeMetrics::on_step(const systems::MoeStepRecord& r) {
  steps_.push_back(r);
  step_time_ns_.add(static_cast<double>(r.time_ns));
}

nlohmann::json MoeMetrics::summary() const {
  double time_s = 0, ideal_s = 0, tokens = 0, move_s = 0, move_bytes = 0;
  for (const auto& s : steps_) {
    time_s += ns_to_seconds(s.time_ns), ideal_s += ns_to_seconds(s.ideal_ns);
    tokens += s.tokens, move_s += ns_to_seconds(s.weight_move_ns),
        move_bytes += s.weight_move_bytes;
  }
  nlohmann::json j;
  j["steps"] = steps_.size();
  j["step_time_s"] = step_time_ns_.to_json(1e9);
  j["ideal_step_time_s"] =
      steps_.empty() ? nlohmann::json(nullptr) : nlohmann::json(ideal_s / steps_.size());
  j["throughput"] = {{"tokens_per_s", time_s > 0 ? tokens / time_s : 0.0},
                     {"ideal_tokens_per_s", ideal_s > 0 ? tokens / ideal_s : 0.0},
                     {"fraction_of_ideal", time_s > 0 ? ideal_s / time_s : 0.0}};
  j["imbalance"] = imbalance_.to_json();
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : per_layer_) layers.push_back(l.imbalance.empty() ? 0.0 : l.imbalance.mean());
  j["imbalance"]["per_layer_mean"] = layers;
  j["time_lost_to_imbalance_s"] = layer_s_ - ideal_layer_s_;
  j["all_to_all"] = {{"bytes", all_to_all_bytes_},
                     {"bytes_per_step", steps_.empty() ? 0.0 : all_to_all_bytes_ / steps_.size()},
                     {"time_s", all_to_all_s_}};
  j["weight_moves"] = {{"bytes", move_bytes}, {"exposed_time_s", move_s}};
  j["tokens"] = tokens;
  return j;
}

void MoeMetrics::write_steps_csv(std::ostream& out) const {
  out << "step,start_s,time_s,ideal_s,weight_move_s,weight_move_bytes,tokens\n";
  out << std::setprecision(9);
  for (const auto& s : steps_)
    out << s.step << ',' << ns_to_seconds(s.start_ns) << ',' << ns_to_seconds(s.time_ns) << ','
        << ns_to_seconds(s.ideal_ns) << ',' << ns_to_seconds(s.weight_move_ns) << ','
        << s.weight_move_bytes << ',' << s.tokens << '\n';
}

void MoeMetrics::write_layers_csv(std::ostream& out) const {
  out << "layer,imbalance_mean,imbalance_max,time_s,ideal_s,all_to_all_bytes\n";
  out << std::setprecision(9);
  for (std::size_t i = 0; i < per_layer_.size(); ++i) {
    const LayerStats& l = per_layer_[i];
    out << i << ',' << (l.imbalance.empty() ? 0.0 : l.imbalance.mean()) << ','
        << (l.imbalance.empty() ? 0.0 : l.imbalance.max()) << ',' << l.time_s << ',' << l.ideal_s
        << ',' << l.all_to_all_bytes << '\n';
  }
}

}  // namespace xpusim::report
