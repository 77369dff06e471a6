#pragma once
// The JSON shape every latency distribution in summary.json shares:
// {mean, p50, p90, p99, max, count}, with nulls when there are no samples.
#include <cstdint>

#include <nlohmann/json.hpp>

namespace xpusim::report {

// `D` offers mean(), quantile(q) and max(); values are divided by `divisor` (e.g. ns -> s).
template <typename D>
nlohmann::json distribution_json(const D& d, std::uint64_t count, double divisor) {
  nlohmann::json j = nlohmann::json::object();
  if (count == 0) {
    for (const char* key : {"mean", "p50", "p90", "p99", "max"}) j[key] = nullptr;
  } else {
    j["mean"] = d.mean() / divisor;
    j["p50"] = d.quantile(0.50) / divisor;
    j["p90"] = d.quantile(0.90) / divisor;
    j["p99"] = d.quantile(0.99) / divisor;
    j["max"] = d.max() / divisor;
  }
  j["count"] = count;
  return j;
}

}  // namespace xpusim::report
