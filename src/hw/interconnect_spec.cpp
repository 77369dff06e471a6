#include "xpusim/hw/interconnect_spec.hpp"

namespace xpusim::hw {

ParamSchema interconnect_schema() {
  ParamSchema s;
  s.string("name", "", "link name (a preset's file name when left empty)")
      .choice("kind", "link", {"link"}, "preset kind: an interconnect")
      .choice("scope", "scale_up", {"scale_up", "scale_out", "host"},
              "scale_up: fabric inside a domain (NVLink...); scale_out: NIC to the network; "
              "host: device to CPU (PCIe)")
      .real("bandwidth_gbps", std::nullopt, "GB/s", "per-device bandwidth, per direction",
            {.min = 0, .min_exclusive = true})
      .real("latency_us", std::nullopt, "us", "one-way latency added to each transfer", {.min = 0})
      .integer("domain_size", 0, "",
               "devices the fabric joins at full bandwidth; 0 = unbounded (a switched network)",
               {.min = 0});
  return s;
}

InterconnectSpec interconnect_spec_from_params(const Params& p) {
  InterconnectSpec l;
  l.name = p.string("name");
  l.scope = p.string("scope");
  l.bandwidth_bytes_per_s = p.real("bandwidth_gbps") * 1e9;
  l.latency_s = p.real("latency_us") * 1e-6;
  l.domain_size = static_cast<int>(p.integer("domain_size"));
  if (l.scope == "scale_up" && l.domain_size < 2)
    throw ParamError("domain_size", "a scale_up fabric needs domain_size >= 2 (got " +
                                        std::to_string(l.domain_size) + ")");
  return l;
}

}  // namespace xpusim::hw
