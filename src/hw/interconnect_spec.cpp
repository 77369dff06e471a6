#include "xpusim/hw/interconnect_spec.hpp"

namespace xpusim::hw {

const ParamBinding<InterconnectSpec>& InterconnectSpec::binding() {
  using C = InterconnectSpec;
  static const auto b =
      ParamBinding<C>()
          .string(XPUSIM_KEY(C, name), "link name (a preset's file name when left empty)")
          .choice(XPUSIM_KEY(C, kind), {{"link", "link"}}, "preset kind: an interconnect")
          .choice(XPUSIM_KEY(C, scope),
                  {{"scale_up", "scale_up"}, {"scale_out", "scale_out"}, {"host", "host"}},
                  "scale_up: fabric inside a domain (NVLink...); scale_out: NIC to the network; "
                  "host: device to CPU (PCIe)")
          .real("bandwidth_gbps", &C::bandwidth_bytes_per_s, "GB/s",
                "per-device bandwidth, per direction", {.min = 0, .min_exclusive = true})
          .scale(1e9)
          .required()
          .real("latency_us", &C::latency_s, "us", "one-way latency added to each transfer",
                {.min = 0})
          .scale(1e-6)
          .required()
          .integer(XPUSIM_KEY(C, domain_size), "",
                   "devices the fabric joins at full bandwidth; 0 = unbounded (a switched network)",
                   {.min = 0})
          .rule([](const C& l) {
            if (l.scope == "scale_up" && l.domain_size < 2)
              throw ParamError("domain_size", "a scale_up fabric needs domain_size >= 2 (got " +
                                                  std::to_string(l.domain_size) + ")");
          });
  return b;
}

}  // namespace xpusim::hw
