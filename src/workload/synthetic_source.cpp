#include "xpusim/workload/synthetic_source.hpp"

#include <cstdio>
#include <limits>
#include <string>

#include "xpusim/core/error.hpp"

namespace xpusim::workload {

namespace {
constexpr double kMaxArrivalS = 9.2e9;
}  // namespace

const ParamBinding<SyntheticSource::Config>& SyntheticSource::binding() {
  static const auto b =
      ParamBinding<Config>()
          .choice(XPUSIM_KEY(Config, arrival), {{"poisson", Arrival::Poisson}, {"gamma", Arrival::Gamma}},
                  "arrival process: poisson (exponential gaps) or gamma (gaps with coefficient "
                  "of variation cv; cv > 1 is burstier than Poisson)")
          .real(XPUSIM_KEY(Config, rate_per_s), "1/s", "mean arrival rate",
                {.min = 0, .max = 1e9, .min_exclusive = true})
          .required()
          .real(XPUSIM_KEY(Config, cv), "",
                "coefficient of variation of gamma inter-arrival gaps (shape 1/cv^2)",
                {.min = 0, .max = 100, .min_exclusive = true})
          .integer(XPUSIM_KEY(Config, num_requests), "", "number of requests to generate",
                   {.min = 1, .max = 1e9})
          .real(XPUSIM_KEY(Config, duration_s), "s",
                "stop at the first arrival later than this (0: no limit)", {.min = 0, .max = 9e9})
          .group(length_binding("prompt"), &Config::prompt)
          .group(length_binding("output"), &Config::output)
          .integer(XPUSIM_KEY(Config, tenants), "",
                   "number of tenants t0..tN-1; each request is assigned one uniformly at random",
                   {.min = 1, .max = 1'000'000})
          .real(XPUSIM_KEY(Config, ttft_slo_s), "s",
                "time-to-first-token SLO of every request (0: none)", {.min = 0})
          .real(XPUSIM_KEY(Config, tpot_slo_s), "s",
                "time-per-output-token SLO of every request (0: none)", {.min = 0})
          .real(XPUSIM_KEY(Config, high_priority_fraction), "",
                "share of requests drawn as high priority (priority 1; the rest 0), each "
                "independently",
                {.min = 0, .max = 1});
  return b;
}

SyntheticSource::SyntheticSource(const Config& config, std::uint64_t seed)
    : config_(config),
      prompt_(make_length_distribution(config.prompt)),
      output_(make_length_distribution(config.output)),
      arrival_rng_(seed, "workload.synthetic.arrivals"),
      prompt_rng_(seed, "workload.synthetic.prompt_tokens"),
      output_rng_(seed, "workload.synthetic.output_tokens"),
      tenant_rng_(seed, "workload.synthetic.tenants"),
      priority_rng_(seed, "workload.synthetic.priority"),
      duration_ns_(seconds_to_ns(config.duration_s)) {
  XPUSIM_CHECK(config.rate_per_s > 0 && config.cv > 0 && config.tenants >= 1,
               "bad synthetic source config");
  for (std::int32_t t = 0; t < config.tenants; ++t) {
    std::string name(1, 't');
    name += std::to_string(t);  // appended: GCC 12 warns falsely on "t" + std::string&&
    tenant_names_.push_back(std::move(name));
  }
}

double SyntheticSource::next_gap_s() {
  if (config_.arrival == Arrival::Poisson) return arrival_rng_.exponential(config_.rate_per_s);
  // Gamma with shape k and scale theta has mean k*theta and CV 1/sqrt(k).
  const double shape = 1.0 / (config_.cv * config_.cv);
  return arrival_rng_.gamma(shape, 1.0 / (config_.rate_per_s * shape));
}

std::optional<Request> SyntheticSource::next() {
  if (done_ || generated_ >= static_cast<std::uint64_t>(config_.num_requests)) return std::nullopt;
  // Time is accumulated in double seconds and rounded once per arrival, so rounding to the
  // nanosecond never accumulates into a drift of the rate.
  clock_s_ += next_gap_s();
  // Past int64 nanoseconds (~292 years) nothing can be simulated: name the keys that got here.
  if (!(clock_s_ < kMaxArrivalS)) {
    char at[32];
    std::snprintf(at, sizeof at, "%.3g", clock_s_);
    throw Error("workload: request " + std::to_string(generated_ + 1) + " would arrive at " +
                at + " s, past the simulable 9.2e9 s (int64 ns); raise "
                "workload.rate_per_s, lower workload.num_requests or set workload.duration_s");
  }
  const TimeNs arrival = seconds_to_ns(clock_s_);
  if (duration_ns_ > 0 && arrival > duration_ns_) {
    done_ = true;
    return std::nullopt;
  }
  Request r;
  r.id = generated_++;
  r.arrival_ns = arrival;
  r.prompt_tokens = prompt_->sample(prompt_rng_);
  r.output_tokens = output_->sample(output_rng_);
  r.tenant = static_cast<std::int32_t>(tenant_rng_.uniform_int(0, config_.tenants - 1));
  r.ttft_slo_s = config_.ttft_slo_s;
  r.tpot_slo_s = config_.tpot_slo_s;
  // Drawn only when asked for, from its own stream: every other draw is unchanged.
  if (config_.high_priority_fraction > 0)
    r.priority = priority_rng_.uniform01() < config_.high_priority_fraction ? 1 : 0;
  return r;
}

}  // namespace xpusim::workload
