#pragma once
// An interconnect on paper (kind "link"): a scale-up fabric (NVLink, Infinity Fabric, HCCS,
// Unified Bus, TPU ICI), a scale-out NIC (InfiniBand, RoCE) or a host link (PCIe), with its
// per-device bandwidth, latency and the size of the domain it joins. Presets live next to the
// devices in configs/hardware/ (link-*.yaml, sources in docs/hardware.md); link_spec() gives
// the figures a Topology edge takes.
#include <string>

#include "xpusim/core/params.hpp"
#include "xpusim/hw/topology.hpp"

namespace xpusim::hw {

struct InterconnectSpec {
  std::string name;
  std::string scope = "scale_up";  // scale_up, scale_out or host
  double bandwidth_bytes_per_s = 0;  // per device, per direction
  double latency_s = 0;              // one way, added to each transfer
  int domain_size = 0;               // devices joined at full bandwidth; 0 = unbounded (a network)

  LinkSpec link_spec() const { return {bandwidth_bytes_per_s, latency_s}; }
};

ParamSchema interconnect_schema();
// Converts to SI units; throws xpusim::ParamError naming the offending key.
InterconnectSpec interconnect_spec_from_params(const Params& params);

}  // namespace xpusim::hw
