#pragma once
// The `network` section of an `ina` scenario: where the jobs' hosts sit and what the switches
// do beyond the shared aggregator pool. racks = 0 keeps the single-switch star (InaFabric);
// racks >= 1 builds a leaf-spine of rack switches (InaRackFabric) with ATP's two-level
// aggregation and, optionally, its congestion control (docs/ina.md, "Racks").
#include <cstdint>

#include "xpusim/core/param_binding.hpp"

namespace xpusim::systems {

struct InaNetworkConfig {
  std::int32_t racks = 0;                     // 0: one switch, every host on its own port
  double spine_bw_bytes_per_s = 100e9 / 8.0;  // each rack-to-spine link, per direction
  bool two_level = true;            // the PS-rack switch aggregates what the worker racks could not
  bool congestion_control = false;  // ATP's AIMD window on ECN marks and losses
  std::int64_t ecn_threshold_packets = 64;   // switch egress queue depth that marks ECN
  std::int64_t buffer_packets = 0;           // switch egress queue that drops; 0: unlimited
  std::int64_t window_increase_packets = 4;  // additive increase per unmarked round

  static const ParamBinding<InaNetworkConfig>& binding();
};

}  // namespace xpusim::systems
