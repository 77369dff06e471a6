#include "xpusim/hw/switch_spec.hpp"

namespace xpusim::hw {

std::int64_t SwitchSpec::aggregator_slots() const {
  return static_cast<std::int64_t>(aggregator_memory_bytes / static_cast<double>(payload_bytes()));
}

ParamSchema switch_schema() {
  ParamSchema s;
  s.string("name", "", "switch name (a preset's file name when left empty)")
      .choice("kind", "switch", {"switch"}, "device kind: a programmable switch")
      .real("aggregator_memory_kb", std::nullopt, "KiB",
            "SRAM given to aggregator register arrays (the share of the chip's SRAM that "
            "in-network aggregation may use); slots = memory / (slot_elements x element_bytes)",
            {.min = 0, .min_exclusive = true})
      .integer("slot_elements", 64, "",
               "gradient elements per aggregator slot and per packet (SwitchML P4: 64)",
               {.min = 1, .max = 65536})
      .integer("element_bytes", 4, "B", "bytes per aggregated element (32-bit fixed point)",
               {.min = 1, .max = 8})
      .integer("header_bytes", 64, "B", "per-packet wire overhead (Ethernet/IP/UDP + INA header)",
               {.min = 0, .max = 9000})
      .real("port_gbps", std::nullopt, "Gb/s", "line rate of one port, per direction",
            {.min = 0, .min_exclusive = true})
      .real("pipeline_latency_ns", 500.0, "ns", "ingress-to-egress time of one packet", {.min = 0})
      .real("link_latency_us", 1.0, "us", "propagation + NIC latency of each host link, one way",
            {.min = 0});
  return s;
}

SwitchSpec switch_spec_from_params(const Params& p) {
  SwitchSpec s;
  s.name = p.string("name");
  s.aggregator_memory_bytes = p.real("aggregator_memory_kb") * 1024.0;
  s.slot_elements = p.integer("slot_elements");
  s.element_bytes = p.integer("element_bytes");
  s.header_bytes = p.integer("header_bytes");
  s.port_bw_bytes_per_s = p.real("port_gbps") * 1e9 / 8.0;
  s.pipeline_latency_s = p.real("pipeline_latency_ns") * 1e-9;
  s.link_latency_s = p.real("link_latency_us") * 1e-6;
  if (s.aggregator_slots() < 1)
    throw ParamError("aggregator_memory_kb",
                     "aggregator_memory_kb (" + format_value(p.real("aggregator_memory_kb")) +
                         " KiB) holds no slot of slot_elements x element_bytes = " +
                         std::to_string(s.payload_bytes()) + " bytes");
  return s;
}

}  // namespace xpusim::hw
