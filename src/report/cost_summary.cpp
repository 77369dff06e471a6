#include "xpusim/report/cost_summary.hpp"

namespace xpusim::report {

nlohmann::json cost_summary(const std::vector<PricedDevices>& devices, double simulated_s,
                            std::int64_t prompt_tokens, std::int64_t output_tokens) {
  double per_hour = 0;
  for (const auto& d : devices) {
    if (d.usd_per_device_hour <= 0) return nullptr;
    per_hour += static_cast<double>(d.devices) * d.usd_per_device_hour;
  }
  if (devices.empty()) return nullptr;
  const double usd = per_hour * simulated_s / 3600.0;
  auto per_million = [usd](std::int64_t tokens) -> nlohmann::json {
    if (tokens <= 0) return nullptr;
    return usd / static_cast<double>(tokens) * 1e6;
  };
  nlohmann::json out = nlohmann::json::object();
  out["usd_per_hour"] = per_hour;
  out["usd"] = usd;
  out["usd_per_million_output_tokens"] = per_million(output_tokens);
  out["usd_per_million_tokens"] = per_million(prompt_tokens + output_tokens);
  return out;
}

}  // namespace xpusim::report
