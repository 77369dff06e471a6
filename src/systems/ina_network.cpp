#include "xpusim/systems/ina_network.hpp"

namespace xpusim::systems {

const ParamBinding<InaNetworkConfig>& InaNetworkConfig::binding() {
  using C = InaNetworkConfig;
  static const auto b =
      ParamBinding<C>()
          .integer(XPUSIM_KEY(C, racks), "",
                   "0: one switch with every worker and parameter server on its own port (the "
                   "star); N >= 1: N rack switches, each with the switch's aggregator memory, "
                   "joined by one spine; workers spread over the racks (docs/ina.md)",
                   {.min = 0, .max = 1024})
          .real("spine_gbps", &C::spine_bw_bytes_per_s, "Gb/s",
                "each rack switch's link to the spine, per direction (racks >= 1)",
                {.min = 0, .min_exclusive = true})
          .scale(1e9 / 8.0)
          .boolean(XPUSIM_KEY(C, two_level),
                   "ATP's two-level aggregation: the parameter server's rack switch also "
                   "aggregates (worker-rack partials and packets that found no slot in their "
                   "rack); false: it only forwards (racks >= 1)")
          .boolean(XPUSIM_KEY(C, congestion_control),
                   "ATP's congestion control: each job's window halves once per round of results "
                   "that carried an ECN mark or saw a loss, else grows by "
                   "window_increase_packets; starts at and never exceeds the policy's "
                   "window_packets (racks >= 1)")
          .integer(XPUSIM_KEY(C, ecn_threshold_packets), "",
                   "a switch egress queue at least this deep marks ECN on the packet",
                   {.min = 1, .max = 1 << 24})
          .integer(XPUSIM_KEY(C, buffer_packets), "",
                   "a switch egress queue this deep drops the packet, which is resent one "
                   "workload.retransmit_timeout_us later and counts as a loss; 0: unlimited "
                   "buffers (racks >= 1)",
                   {.min = 0, .max = 1 << 24})
          .integer(XPUSIM_KEY(C, window_increase_packets), "",
                   "additive increase per round without a mark (ATP: 1500 B, ~4 packets of 320 B)",
                   {.min = 0, .max = 1 << 20})
          .rule([](const C& c) {
            if (c.racks == 0 && (c.congestion_control || !c.two_level || c.buffer_packets > 0))
              throw ParamError(
                  "racks",
                  "congestion_control, two_level: false and buffer_packets need racks >= 1 (the "
                  "single-switch star has neither)");
          });
  return b;
}

}  // namespace xpusim::systems
