#pragma once
// The one-screen human summary printed after a run.
#include <string>

#include <nlohmann/json.hpp>

namespace xpusim::report {

// Formats a run summary as aligned text (requests, throughput, latency percentiles, goodput,
// energy, utilization). `summary` is ServingMetrics::summary() merged with
// EnergyMeter::summary() (top-level keys ttft_s, tbt_s, ..., energy, utilization); sections
// whose keys are missing are left out, nulls print as "-". More than 8 devices are shown as
// mean/min/max utilization so the table stays on one screen.
std::string format_summary_table(const nlohmann::json& summary);

}  // namespace xpusim::report
