#include "xpusim/report/serving_offload_metrics.hpp"

namespace xpusim::report {

void ServingOffloadMetrics::on_iteration(const systems::OffloadIterationRecord& r) {
  ++iterations_;
  systems::OffloadIterationRecord& t = total_;
  t.tokens += r.tokens, t.activated += r.activated, t.hits += r.hits, t.fetched += r.fetched;
  t.prefetched += r.prefetched, t.on_cpu += r.on_cpu, t.substituted += r.substituted;
  t.routed_pairs += r.routed_pairs, t.substituted_pairs += r.substituted_pairs;
  t.cpu_pairs += r.cpu_pairs;
  t.routed_mass += r.routed_mass, t.substituted_mass += r.substituted_mass;
  t.substituted_loss += r.substituted_loss;
  t.gpu_expert_s += r.gpu_expert_s, t.cpu_expert_s += r.cpu_expert_s, t.pcie_s += r.pcie_s;
  time_s_ += ns_to_seconds(r.time_ns);
  added_s_ += ns_to_seconds(r.added_ns);
}

nlohmann::json ServingOffloadMetrics::summary() const {
  const systems::OffloadIterationRecord& t = total_;
  auto share = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  const auto d = [](std::int64_t x) { return static_cast<double>(x); };
  nlohmann::json j;
  j["policy"] = policy_;
  j["experts_per_layer"] = experts_per_layer_;
  j["iterations"] = iterations_;
  j["experts"] = {{"activated", t.activated},
                  {"cache_hit_rate", share(d(t.hits), d(t.activated))},
                  {"fetched_on_demand", t.fetched},
                  {"prefetched", t.prefetched},
                  {"on_cpu", t.on_cpu},
                  {"cpu_share", share(d(t.on_cpu), d(t.activated))},
                  {"substituted", t.substituted}};
  j["fetched_bytes"] = d(t.fetched + t.prefetched) * expert_bytes_;
  j["assignments"] = {{"routed", t.routed_pairs},
                      {"on_cpu", t.cpu_pairs},
                      {"cpu_share", share(d(t.cpu_pairs), d(t.routed_pairs))},
                      {"substituted_share", share(d(t.substituted_pairs), d(t.routed_pairs))},
                      {"substituted_mass_share", share(t.substituted_mass, t.routed_mass)},
                      {"similarity_weighted_loss", share(t.substituted_loss, t.routed_mass)}};
  j["time_s"] = {{"iterations", time_s_},
                 {"routed_experts_added", added_s_},
                 {"gpu_experts", t.gpu_expert_s},
                 {"cpu_experts", t.cpu_expert_s},
                 {"pcie", t.pcie_s}};
  j["routed_expert_share"] = share(added_s_, time_s_);
  return j;
}

}  // namespace xpusim::report
