#pragma once
// Tenants with their own arrival rates, lengths and on/off periods, possibly changing in
// phases: the synthetic cases of the VTC paper (overload, proportional, on/off, distribution
// shift; fair_bench/trace.py of its artifact). Requests stream in arrival order.
#include <limits>
#include <string>
#include <vector>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/workload/request_source.hpp"

namespace xpusim::workload {

class TenantMixSource final : public RequestSource {
 public:
  enum class Arrival { Uniform, Poisson };
  struct Range {  // a token length drawn uniformly from [lo, hi]
    std::int32_t lo = 256;
    std::int32_t hi = 256;
  };
  struct Config {
    // As the YAML writes them (bound keys).
    std::string rates_per_s;  // "r0,r1; r0,r1": phases separated by ';'
    Arrival arrival = Arrival::Uniform;
    double duration_s = 60;  // all phases together, split evenly
    std::string prompt_tokens = "256";
    std::string output_tokens = "256";
    std::string on_off_s = "0";
    double ttft_slo_s = 0;
    double tpot_slo_s = 0;
    // Derived from the lists above when bound.
    std::vector<std::vector<double>> rates;  // [phase][tenant], requests per second
    std::vector<Range> prompt;               // per tenant
    std::vector<Range> output;               // per tenant
    std::vector<double> on_off_periods_s;    // per tenant; 0 = always on
  };

  // Binding throws ParamError naming the key for malformed lists or lists of the wrong length.
  static const ParamBinding<Config>& binding();

  TenantMixSource(Config config, std::uint64_t seed);
  std::optional<Request> next() override;
  const std::vector<std::string>& tenants() const override { return names_; }

 private:
  static constexpr double kNever = std::numeric_limits<double>::infinity();
  // The tenant's first arrival at or after its current position, skipping off periods and
  // moving through phases; kNever when past the duration.
  double next_arrival(std::size_t tenant);
  double phase_start(std::size_t phase) const;

  Config config_;
  RngStream arrival_rng_;
  RngStream prompt_rng_;
  RngStream output_rng_;
  std::vector<std::string> names_;
  std::vector<double> next_s_;       // per tenant: its next arrival
  std::vector<std::size_t> phase_;   // per tenant: the phase its next arrival is in
  std::vector<double> offset_;       // per tenant: uniform arrivals' phase offset in [0, 1)
  std::vector<std::int64_t> index_;  // per tenant: arrivals generated in the current phase
  std::uint64_t generated_ = 0;
};

}  // namespace xpusim::workload
