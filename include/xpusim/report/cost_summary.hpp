#pragma once
// What a run's hardware cost at the presets' hourly prices (docs/hardware.md, "Prices"):
// every device is paid for over the whole simulated time, busy or not, as a rented instance is.
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace xpusim::report {

struct PricedDevices {
  std::int64_t devices = 0;       // how many devices of this price
  double usd_per_device_hour = 0;  // 0 = unpriced
};

// The summary's `cost` block, or null when any device is unpriced (a partial sum would
// understate the cost). Keys: usd_per_hour (sum of devices x price), usd (usd_per_hour x
// simulated_s / 3600), usd_per_million_output_tokens and usd_per_million_tokens (prompt +
// output tokens of completed requests); a per-token figure is null when no token completed.
nlohmann::json cost_summary(const std::vector<PricedDevices>& devices, double simulated_s,
                            std::int64_t prompt_tokens, std::int64_t output_tokens);

}  // namespace xpusim::report
