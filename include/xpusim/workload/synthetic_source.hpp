#pragma once
#include <memory>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/workload/length_distribution.hpp"
#include "xpusim/workload/request_source.hpp"

namespace xpusim::workload {

// Generates requests from an arrival process (Poisson or gamma renewal) with drawn prompt and
// output lengths, uniformly assigned tenants and an optional share of high-priority requests.
// Arrivals, prompt lengths, output lengths, tenants and priorities each use their own RNG
// stream, so changing one knob never reshuffles the others.
class SyntheticSource final : public RequestSource {
 public:
  enum class Arrival { Poisson, Gamma };
  struct Config {
    Arrival arrival = Arrival::Poisson;
    double rate_per_s = 1;
    double cv = 1;  // gamma inter-arrival coefficient of variation
    std::int64_t num_requests = 1000;
    double duration_s = 0;  // 0: no limit
    LengthSpec prompt{.mean = 1024, .cv = 1, .max = 32768, .column = TraceColumn::Prompt};
    LengthSpec output{.mean = 256, .cv = 1, .max = 8192, .column = TraceColumn::Output};
    std::int32_t tenants = 1;
    double ttft_slo_s = 0;
    double tpot_slo_s = 0;
    double high_priority_fraction = 0;  // share of requests with priority 1 (the rest 0)
  };

  // Its rules throw ParamError for cross-parameter problems (e.g. prompt_min > prompt_max).
  static const ParamBinding<Config>& binding();

  // Builds the length distributions (an empirical one reads its trace now).
  SyntheticSource(const Config& config, std::uint64_t seed);
  std::optional<Request> next() override;
  const std::vector<std::string>& tenants() const override { return tenant_names_; }

 private:
  double next_gap_s();

  Config config_;
  std::unique_ptr<LengthDistribution> prompt_;
  std::unique_ptr<LengthDistribution> output_;
  RngStream arrival_rng_;
  RngStream prompt_rng_;
  RngStream output_rng_;
  RngStream tenant_rng_;
  RngStream priority_rng_;
  std::vector<std::string> tenant_names_;
  TimeNs duration_ns_ = 0;
  double clock_s_ = 0;
  std::uint64_t generated_ = 0;
  bool done_ = false;
};

}  // namespace xpusim::workload
