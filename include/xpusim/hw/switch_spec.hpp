#pragma once
// A programmable switch on paper (kind "switch"): the register memory it gives to in-network
// aggregation, cut into aggregator slots, its per-packet pipeline latency and its port line
// rate. Filled from a preset in configs/hardware/ (e.g. tofino.yaml) or inline YAML.
#include <cstdint>
#include <string>

#include "xpusim/core/param_binding.hpp"

namespace xpusim::hw {

// Each key of the `switch` section is bound to its field by binding() (KiB into bytes, Gb/s
// into bytes/s, ns and us into seconds); the rule rejects a memory that holds no slot.
struct SwitchSpec {
  std::string name;
  std::string kind = "switch";         // preset kind (a switch is the only one)
  double aggregator_memory_bytes = 0;  // SRAM given to aggregator register arrays
  std::int64_t slot_elements = 64;     // gradient elements one slot (and one packet) aggregates
  std::int64_t element_bytes = 4;      // 32-bit fixed-point elements (SwitchML)
  std::int64_t header_bytes = 64;      // per-packet wire overhead (Ethernet/IP/UDP + INA header)
  double port_bw_bytes_per_s = 0;      // line rate of one port, per direction
  double pipeline_latency_s = 500 * 1e-9;  // ingress-to-egress time of one packet
  double link_latency_s = 1 * 1e-6;        // propagation + NIC latency of each host link

  // Aggregator slots that fit in the memory: each holds one packet's worth of elements.
  std::int64_t aggregator_slots() const;
  std::int64_t payload_bytes() const { return slot_elements * element_bytes; }
  std::int64_t packet_wire_bytes() const { return payload_bytes() + header_bytes; }

  static const ParamBinding<SwitchSpec>& binding();
};

}  // namespace xpusim::hw
