#pragma once
// An interconnect on paper (kind "link"): a scale-up fabric (NVLink, Infinity Fabric, HCCS,
// Unified Bus, TPU ICI), a scale-out NIC (InfiniBand, RoCE) or a host link (PCIe), with its
// per-device bandwidth, latency and the size of the domain it joins. Presets live next to the
// devices in configs/hardware/ (link-*.yaml, sources in docs/hardware.md); link_spec() gives
// the figures a Topology edge takes.
#include <string>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/hw/topology.hpp"

namespace xpusim::hw {

// Each key of a link preset is bound to its field by binding() (GB/s and us into SI units);
// the rule rejects a scale_up fabric of fewer than two devices.
struct InterconnectSpec {
  std::string name;
  std::string kind = "link";       // preset kind (a link is the only one)
  std::string scope = "scale_up";  // scale_up, scale_out or host
  double bandwidth_bytes_per_s = 0;  // per device, per direction
  double latency_s = 0;              // one way, added to each transfer
  int domain_size = 0;               // devices joined at full bandwidth; 0 = unbounded (a network)

  LinkSpec link_spec() const { return {bandwidth_bytes_per_s, latency_s}; }

  static const ParamBinding<InterconnectSpec>& binding();
};

}  // namespace xpusim::hw
