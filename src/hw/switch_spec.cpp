#include "xpusim/hw/switch_spec.hpp"

namespace xpusim::hw {

std::int64_t SwitchSpec::aggregator_slots() const {
  return static_cast<std::int64_t>(aggregator_memory_bytes / static_cast<double>(payload_bytes()));
}

const ParamBinding<SwitchSpec>& SwitchSpec::binding() {
  using C = SwitchSpec;
  static const auto b =
      ParamBinding<C>()
          .string(XPUSIM_KEY(C, name), "switch name (a preset's file name when left empty)")
          .choice(XPUSIM_KEY(C, kind), {{"switch", "switch"}}, "device kind: a programmable switch")
          .real("aggregator_memory_kb", &C::aggregator_memory_bytes, "KiB",
                "SRAM given to aggregator register arrays (the share of the chip's SRAM that "
                "in-network aggregation may use); slots = memory / (slot_elements x element_bytes)",
                {.min = 0, .min_exclusive = true})
          .scale(1024.0)
          .required()
          .integer(XPUSIM_KEY(C, slot_elements), "",
                   "gradient elements per aggregator slot and per packet (SwitchML P4: 64)",
                   {.min = 1, .max = 65536})
          .integer(XPUSIM_KEY(C, element_bytes), "B",
                   "bytes per aggregated element (32-bit fixed point)", {.min = 1, .max = 8})
          .integer(XPUSIM_KEY(C, header_bytes), "B",
                   "per-packet wire overhead (Ethernet/IP/UDP + INA header)", {.min = 0, .max = 9000})
          .real("port_gbps", &C::port_bw_bytes_per_s, "Gb/s", "line rate of one port, per direction",
                {.min = 0, .min_exclusive = true})
          .scale(1e9 / 8.0)
          .required()
          .real("pipeline_latency_ns", &C::pipeline_latency_s, "ns",
                "ingress-to-egress time of one packet", {.min = 0})
          .scale(1e-9)
          .real("link_latency_us", &C::link_latency_s, "us",
                "propagation + NIC latency of each host link, one way", {.min = 0})
          .scale(1e-6)
          .rule([](const C& s) {
            if (s.aggregator_slots() < 1)
              throw ParamError("aggregator_memory_kb",
                               "aggregator_memory_kb (" +
                                   format_value(s.aggregator_memory_bytes / 1024.0) +
                                   " KiB) holds no slot of slot_elements x element_bytes = " +
                                   std::to_string(s.payload_bytes()) + " bytes");
          });
  return b;
}

}  // namespace xpusim::hw
