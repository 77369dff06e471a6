#include "xpusim/workload/tenant_mix_source.hpp"

#include <cmath>
#include <cstdlib>

#include "xpusim/core/error.hpp"
#include "xpusim/core/excerpt.hpp"

namespace xpusim::workload {

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(sep, start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

double parse_number(const std::string& item, const std::string& key, const std::string& what) {
  const auto first = item.find_first_not_of(" \t");
  char* end = nullptr;
  const double v = first == std::string::npos ? NAN : std::strtod(item.c_str() + first, &end);
  if (first == std::string::npos || end == item.c_str() + first ||
      item.find_first_not_of(" \t", static_cast<std::size_t>(end - item.c_str())) !=
          std::string::npos ||
      !std::isfinite(v) || v < 0)
    throw ParamError(key, quoted_excerpt(item) + " is not a number >= 0 (expected " + what + ")");
  return v;
}

// One entry per tenant, or a single entry that applies to every tenant.
template <typename T, typename Parse>
std::vector<T> per_tenant(const std::string& text, std::size_t tenants, const std::string& key,
                          Parse parse) {
  const auto items = split(text, ',');
  if (items.size() != 1 && items.size() != tenants)
    throw ParamError(key, "has " + std::to_string(items.size()) + " entries but rates_per_s has " +
                              std::to_string(tenants) +
                              " tenants (expected one entry, or one per tenant)");
  std::vector<T> out;
  for (std::size_t t = 0; t < tenants; ++t) out.push_back(parse(items[items.size() == 1 ? 0 : t]));
  return out;
}

TenantMixSource::Range parse_range(const std::string& item, const std::string& key) {
  const char* what = "a token count N or a range A-B with 1 <= A <= B";
  const auto dash = item.find('-');
  const double lo = parse_number(item.substr(0, dash), key, what);
  const double hi = dash == std::string::npos ? lo : parse_number(item.substr(dash + 1), key, what);
  if (lo < 1 || hi < lo || hi > 1e7 || lo != std::floor(lo) || hi != std::floor(hi))
    throw ParamError(key, quoted_excerpt(item) + " is not " + what);
  return {static_cast<std::int32_t>(lo), static_cast<std::int32_t>(hi)};
}

// Parses the per-tenant lists into the derived fields.
void parse_lists(TenantMixSource::Config& c) {
  using Range = TenantMixSource::Range;
  c.rates.clear();
  for (const std::string& phase : split(c.rates_per_s, ';')) {
    std::vector<double> rates;
    for (const std::string& item : split(phase, ','))
      rates.push_back(parse_number(item, "rates_per_s", "a comma-separated rate per tenant"));
    if (!c.rates.empty() && rates.size() != c.rates.front().size())
      throw ParamError("rates_per_s", "every phase must list the same number of tenants (" +
                                          std::to_string(c.rates.front().size()) + ")");
    c.rates.push_back(std::move(rates));
  }
  const std::size_t tenants = c.rates.front().size();
  c.prompt =
      per_tenant<Range>(c.prompt_tokens, tenants, "prompt_tokens",
                        [](const std::string& s) { return parse_range(s, "prompt_tokens"); });
  c.output =
      per_tenant<Range>(c.output_tokens, tenants, "output_tokens",
                        [](const std::string& s) { return parse_range(s, "output_tokens"); });
  c.on_off_periods_s =
      per_tenant<double>(c.on_off_s, tenants, "on_off_s", [](const std::string& s) {
        return parse_number(s, "on_off_s", "a period in seconds, 0 = always on");
      });
}

}  // namespace

const ParamBinding<TenantMixSource::Config>& TenantMixSource::binding() {
  static const auto b =
      ParamBinding<Config>()
          .string(XPUSIM_KEY(Config, rates_per_s),
                  "request rate of each tenant, comma-separated (tenant t0, t1, ...); phases of "
                  "equal length separated by ';', e.g. \"0.5,2; 1,1; 0.5,1.5\" (VTC "
                  "distribution shift)")
          .required()
          .choice(XPUSIM_KEY(Config, arrival),
                  {{"uniform", Arrival::Uniform}, {"poisson", Arrival::Poisson}},
                  "uniform: evenly spaced at each tenant's rate with a random phase (VTC "
                  "artifact); poisson: exponential gaps")
          .real(XPUSIM_KEY(Config, duration_s), "s", "length of the workload, all phases together",
                {.min = 0, .max = 9e9, .min_exclusive = true})
          .required()
          .string(XPUSIM_KEY(Config, prompt_tokens),
                  "prompt length per tenant: N or A-B (uniform); one entry applies to all")
          .string(XPUSIM_KEY(Config, output_tokens),
                  "output length per tenant: N or A-B (uniform); one entry applies to all")
          .string(XPUSIM_KEY(Config, on_off_s),
                  "per tenant: period of an on/off pattern (on first, then off, ...); 0 = always "
                  "on")
          .real(XPUSIM_KEY(Config, ttft_slo_s), "s",
                "time-to-first-token SLO of every request (0: none)", {.min = 0})
          .real(XPUSIM_KEY(Config, tpot_slo_s), "s",
                "time-per-output-token SLO of every request (0: none)", {.min = 0})
          .derive(parse_lists);
  return b;
}

TenantMixSource::TenantMixSource(Config config, std::uint64_t seed)
    : config_(std::move(config)),
      arrival_rng_(seed, "workload.tenant_mix.arrivals"),
      prompt_rng_(seed, "workload.tenant_mix.prompt_tokens"),
      output_rng_(seed, "workload.tenant_mix.output_tokens") {
  XPUSIM_CHECK(!config_.rates.empty() && !config_.rates.front().empty(),
               "tenant mix needs tenants");
  const std::size_t n = config_.rates.front().size();
  for (std::size_t t = 0; t < n; ++t) {
    std::string name(1, 't');
    name += std::to_string(t);
    names_.push_back(std::move(name));
  }
  next_s_.assign(n, 0.0);
  phase_.assign(n, 0);
  offset_.assign(n, 0.0);
  index_.assign(n, 0);
  for (std::size_t t = 0; t < n; ++t) {
    offset_[t] = arrival_rng_.uniform01();
    next_s_[t] = next_arrival(t);
  }
}

double TenantMixSource::phase_start(std::size_t phase) const {
  return config_.duration_s * static_cast<double>(phase) /
         static_cast<double>(config_.rates.size());
}

double TenantMixSource::next_arrival(std::size_t t) {
  while (phase_[t] < config_.rates.size()) {
    const double rate = config_.rates[phase_[t]][t];
    const double end = phase_start(phase_[t] + 1);
    double at = kNever;
    if (rate > 0) {
      if (config_.arrival == Arrival::Uniform) {
        // As the artifact: the k-th arrival of a phase at start + (offset + k) / rate, k >= 1.
        ++index_[t];
        at = phase_start(phase_[t]) + (offset_[t] + static_cast<double>(index_[t])) / rate;
      } else {
        const double from = index_[t]++ == 0 ? phase_start(phase_[t]) : next_s_[t];
        at = from + arrival_rng_.exponential(rate);
      }
    }
    if (at >= end) {
      ++phase_[t];
      index_[t] = 0;
      continue;
    }
    next_s_[t] = at;
    const double period = config_.on_off_periods_s[t];
    if (period > 0 && static_cast<std::int64_t>(std::floor(at / period)) % 2 == 1) continue;  // off
    return at;
  }
  return kNever;
}

std::optional<Request> TenantMixSource::next() {
  std::size_t best = 0;
  for (std::size_t t = 1; t < next_s_.size(); ++t)
    if (next_s_[t] < next_s_[best]) best = t;  // ties: lowest tenant index
  if (next_s_[best] == kNever) return std::nullopt;
  Request r;
  r.id = generated_++;
  r.arrival_ns = seconds_to_ns(next_s_[best]);
  r.tenant = static_cast<std::int32_t>(best);
  const Range& in = config_.prompt[best];
  const Range& out = config_.output[best];
  r.prompt_tokens = static_cast<std::int32_t>(prompt_rng_.uniform_int(in.lo, in.hi));
  r.output_tokens = static_cast<std::int32_t>(output_rng_.uniform_int(out.lo, out.hi));
  r.ttft_slo_s = config_.ttft_slo_s;
  r.tpot_slo_s = config_.tpot_slo_s;
  next_s_[best] = next_arrival(best);
  return r;
}

}  // namespace xpusim::workload
