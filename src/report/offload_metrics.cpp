#include "xpusim/report/offload_metrics.hpp"

#include <iomanip>

namespace xpusim::report {

void OffloadMetrics::on_iteration(const systems::OffloadIterationRecord& r) {
  its_.push_back(r);
  time_ns_.add(static_cast<double>(r.time_ns));
}

nlohmann::json OffloadMetrics::summary() const {
  systems::OffloadIterationRecord t;
  double time_s = 0;
  for (const auto& r : its_) {
    time_s += ns_to_seconds(r.time_ns);
    t.tokens += r.tokens, t.activated += r.activated, t.hits += r.hits, t.fetched += r.fetched;
    t.prefetched += r.prefetched, t.on_cpu += r.on_cpu, t.substituted += r.substituted;
    t.routed_pairs += r.routed_pairs, t.substituted_pairs += r.substituted_pairs;
    t.routed_mass += r.routed_mass, t.substituted_mass += r.substituted_mass;
    t.substituted_loss += r.substituted_loss;
  }
  auto share = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  nlohmann::json j;
  j["iterations"] = its_.size();
  j["iteration_time_s"] = time_ns_.to_json(1e9);
  j["throughput"] = {{"tokens_per_s", share(t.tokens, time_s)}};
  j["experts"] = {
      {"activated", t.activated},
      {"cache_hit_rate", share(static_cast<double>(t.hits), static_cast<double>(t.activated))},
      {"fetched_on_demand", t.fetched},
      {"prefetched", t.prefetched},
      {"on_cpu", t.on_cpu},
      {"cpu_share", share(static_cast<double>(t.on_cpu), static_cast<double>(t.activated))},
      {"substituted", t.substituted}};
  j["quality_loss"] = {
      {"substituted_assignment_share",
       share(static_cast<double>(t.substituted_pairs), static_cast<double>(t.routed_pairs))},
      {"substituted_mass_share", share(t.substituted_mass, t.routed_mass)},
      {"similarity_weighted_loss", share(t.substituted_loss, t.routed_mass)}};
  j["tokens"] = t.tokens;
  return j;
}

void OffloadMetrics::write_iterations_csv(std::ostream& out) const {
  out << "iteration,time_s,tokens,activated,hits,fetched,prefetched,on_cpu,substituted\n";
  out << std::setprecision(9);
  for (const auto& r : its_)
    out << r.iteration << ',' << ns_to_seconds(r.time_ns) << ',' << r.tokens << ',' << r.activated
        << ',' << r.hits << ',' << r.fetched << ',' << r.prefetched << ',' << r.on_cpu << ','
        << r.substituted << '\n';
}

}  // namespace xpusim::report
