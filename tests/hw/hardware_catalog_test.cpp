// The hardware catalog (configs/hardware/): every preset loads with the schema of its kind,
// carries the numbers of its cited source (docs/hardware.md, transcribed here by hand from the
// source documents, not from the presets), and derived quantities are plausible.
#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "hw/flat_preset.hpp"
#include "xpusim/build_paths.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/hw/device_spec.hpp"
#include "xpusim/hw/interconnect_spec.hpp"
#include "xpusim/hw/soc_spec.hpp"
#include "xpusim/hw/switch_spec.hpp"
#include "xpusim/hw/topology.hpp"

namespace xpusim::hw {
namespace {

namespace fs = std::filesystem;

DeviceSpec device(const std::string& name) {
  return DeviceSpec::binding().from(testing::read_named_preset("configs/hardware", name));
}

InterconnectSpec link(const std::string& name) {
  return InterconnectSpec::binding().from(testing::read_named_preset("configs/hardware", "link-" + name));
}

std::string kind_of(const std::map<std::string, ParamValue>& values) {
  const auto it = values.find("kind");
  return it == values.end() ? "" : std::get<std::string>(it->second);
}

// Every file in configs/hardware/ is a device, a link, a switch or an SoC (system: soc), and
// the first three resolve against their schema.
TEST(HardwareCatalog, EveryPresetLoads) {
  int devices = 0, links = 0;
  for (const auto& e : fs::directory_iterator(fs::path(XPUSIM_SOURCE_DIR) / "configs/hardware")) {
    if (e.path().extension() != ".yaml") continue;
    const std::string name = e.path().stem().string();
    auto values = testing::read_named_preset("configs/hardware", name);
    const std::string kind = kind_of(values);
    SCOPED_TRACE(name);
    if (kind == "link") {
      EXPECT_NO_THROW(InterconnectSpec::binding().from(values));
      EXPECT_EQ(name.rfind("link-", 0), 0u) << "link presets are named link-*";
      ++links;
    } else if (kind == "switch") {
      EXPECT_NO_THROW(SwitchSpec::binding().from(values));
    } else if (kind.empty()) {  // a whole SoC, read by system: soc (docs/soc.md)
      EXPECT_NO_THROW(SocSpec::binding().from(values));
    } else {
      const DeviceSpec d = DeviceSpec::binding().from(values);
      EXPECT_EQ(d.name, name);
      // Idle is an assumption everywhere: 10-20% of TDP (docs/hardware.md).
      EXPECT_GE(d.idle_power_w, 0.10 * d.max_power_w);
      EXPECT_LE(d.idle_power_w, 0.20 * d.max_power_w);
      ++devices;
    }
  }
  EXPECT_GE(devices, 16);
  EXPECT_GE(links, 13);
}

// Figures of the cited sources (dense; per direction for links; per device for rack figures).
struct Cited {
  const char* name;
  double bf16_tflops, fp8_tflops, fp4_tflops, memory_gb, bw_gbps, tdp_w, scaleup_gbps;
  int domain;
};

TEST(HardwareCatalog, PresetsCarryTheirCitedNumbers) {
  const Cited cited[] = {
      // DGX B200 data sheet: 72 PF FP8 / 144 PF FP4 sparse, 1,440 GB, 64 TB/s over 8 GPUs
      {"b200", 2250, 4500, 9000, 180, 8000, 1000, 900, 8},
      // GB200 NVL72: 720 PF FP8 / 1,440 PF FP4 sparse, 13.4 TB, 576 TB/s, 130 TB/s over 72
      {"gb200", 2500, 5000, 10000, 186, 8000, 1200, 900, 72},
      {"h800", 989, 1979, 0, 80, 3350, 700, 200, 8},  // NVLink 400 GB/s total
      {"h20", 148, 296, 0, 96, 4000, 400, 450, 8},
      {"mi300x", 1307.4, 2614.9, 0, 192, 5300, 750, 448, 8},
      {"mi325x", 1307.4, 2614.9, 0, 256, 6000, 1000, 448, 8},
      {"ascend-910b", 376, 0, 0, 64, 1600, 400, 196, 8},
      {"ascend-910c", 752, 0, 0, 128, 3200, 800, 392, 384},
      {"gaudi3", 1835, 1835, 0, 128, 3670, 900, 525, 8},  // 21 x 200 GbE scale-up ports
      {"tpu-v5e", 197, 0, 0, 16, 819, 200, 200, 256},
      {"tpu-v6e", 918, 0, 0, 32, 1638, 300, 400, 256},
      {"l40s", 362.05, 733, 0, 48, 864, 350, 0, 0},
  };
  for (const Cited& c : cited) {
    SCOPED_TRACE(c.name);
    const DeviceSpec d = device(c.name);
    EXPECT_DOUBLE_EQ(d.peak_bf16_flops, c.bf16_tflops * 1e12);
    EXPECT_DOUBLE_EQ(d.peak_fp8_flops, c.fp8_tflops * 1e12);
    EXPECT_DOUBLE_EQ(d.peak_fp4_flops, c.fp4_tflops * 1e12);
    EXPECT_DOUBLE_EQ(d.memory_bytes, c.memory_gb * 1e9);
    EXPECT_DOUBLE_EQ(d.memory_bw_bytes_per_s, c.bw_gbps * 1e9);
    EXPECT_DOUBLE_EQ(d.max_power_w, c.tdp_w);
    EXPECT_DOUBLE_EQ(d.scaleup_bw_bytes_per_s, c.scaleup_gbps * 1e9);
    EXPECT_EQ(d.scaleup_domain, c.domain);
    // The sparse-free rule: FP8 twice BF16 and FP4 twice FP8 wherever they exist (Hopper,
    // Blackwell, CDNA 3, Ada); Gaudi 3's MME runs FP8 at the BF16 rate. 3%: the L40S sheet
    // prints 362.05 and 733 (ratio 2.025).
    if (d.peak_fp8_flops > 0 && std::string(c.name) != "gaudi3")
      EXPECT_NEAR(d.peak_fp8_flops / d.peak_bf16_flops, 2.0, 0.03);
    if (d.peak_fp4_flops > 0) EXPECT_DOUBLE_EQ(d.peak_fp4_flops, 2 * d.peak_fp8_flops);
  }
  EXPECT_THROW(device("l40s").peak_flops(DType::Int4), Error);
}

// Each device's scale-up bandwidth and domain are those of the fabric preset it sits on.
TEST(HardwareCatalog, DevicesMatchTheirFabricPresets) {
  const std::pair<const char*, const char*> on[] = {
      {"h100-sxm", "nvlink4"}, {"h200", "nvlink4"},      {"h20", "nvlink4"},
      {"b200", "nvlink5"},     {"gb200", "nvl72"},       {"mi300x", "infinity-fabric"},
      {"mi325x", "infinity-fabric"}, {"ascend-910b", "hccs"}, {"ascend-910c", "ub-cm384"},
      {"tpu-v5e", "tpu-ici-v5e"}, {"tpu-v6e", "tpu-ici-v6e"}};
  for (const auto& [dev, fabric] : on) {
    SCOPED_TRACE(dev);
    const DeviceSpec d = device(dev);
    const InterconnectSpec l = link(fabric);
    EXPECT_EQ(l.scope, "scale_up");
    EXPECT_DOUBLE_EQ(d.scaleup_bw_bytes_per_s, l.bandwidth_bytes_per_s);
    EXPECT_EQ(d.scaleup_domain, l.domain_size);
  }
  EXPECT_DOUBLE_EQ(device("h800").scaleout_bw_bytes_per_s, link("ib-ndr").bandwidth_bytes_per_s);
  EXPECT_DOUBLE_EQ(device("h100-sxm").pcie_bw_bytes_per_s, link("pcie-gen5").bandwidth_bytes_per_s);
}

// Ridge point = peak FLOP/s / memory bandwidth: the arithmetic intensity (FLOP/byte) above
// which BF16 work is compute-bound. H100 by hand: 989e12 / 3.35e12 = 295.2.
TEST(HardwareCatalog, RidgePointsArePlausible) {
  const auto ridge = [](const DeviceSpec& d) { return d.peak_bf16_flops / d.memory_bw_bytes_per_s; };
  EXPECT_NEAR(ridge(device("h100-sxm")), 295.2, 0.1);
  for (const char* name : {"a100-80gb", "h100-sxm", "h200", "l4", "b200", "gb200", "h800", "h20",
                           "mi300x", "mi325x", "ascend-910b", "ascend-910c", "gaudi3", "tpu-v5e",
                           "tpu-v6e", "l40s"}) {
    // Every accelerator here sits between 30 and 600 FLOP/byte: decode (about 1 FLOP per
    // weight byte per sequence) is memory-bound on all of them below batch ~30.
    EXPECT_GT(ridge(device(name)), 30) << name;
    EXPECT_LT(ridge(device(name)), 600) << name;
  }
  // The export parts: H20 kept Hopper's memory but lost ~85% of its compute, so it turns
  // compute-bound at a far lower intensity than H100; H800 lost only NVLink.
  EXPECT_LT(ridge(device("h20")), ridge(device("h100-sxm")) / 5);
  EXPECT_DOUBLE_EQ(ridge(device("h800")), ridge(device("h100-sxm")));
  // Same compute, more bandwidth: MI325X and H200 have lower ridges than MI300X and H100.
  EXPECT_LT(ridge(device("mi325x")), ridge(device("mi300x")));
  EXPECT_LT(ridge(device("h200")), ridge(device("h100-sxm")));
}

// A fabric preset becomes a topology edge: two NVL72 GPUs talk at 900 GB/s per direction.
TEST(HardwareCatalog, LinkPresetsBuildTopologyEdges) {
  Topology t;
  const int a = t.add_node("gpu0"), b = t.add_node("gpu1"), nic = t.add_node("leaf");
  const InterconnectSpec nvl = link("nvl72"), ib = link("ib-ndr");
  t.add_link(a, b, nvl.link_spec().bandwidth_bytes_per_s, nvl.link_spec().latency_s);
  t.add_link(b, nic, ib.link_spec().bandwidth_bytes_per_s, ib.link_spec().latency_s);
  const auto route = t.route(a, nic);
  ASSERT_EQ(route.size(), 2u);
  EXPECT_DOUBLE_EQ(t.link(route[0]).bandwidth_bytes_per_s, 900e9);
  EXPECT_DOUBLE_EQ(t.link(route[1]).bandwidth_bytes_per_s, 50e9);
  EXPECT_DOUBLE_EQ(t.route_latency_s(route), 3e-6 + 2e-6);
}

TEST(HardwareCatalog, BadLinkPresetNamesTheKey) {
  std::map<std::string, ParamValue> v{{"bandwidth_gbps", 100.0}, {"latency_us", 1.0},
                                      {"scope", std::string("scale_up")}, {"domain_size", std::int64_t{1}}};
  try {
    InterconnectSpec::binding().from(v);
    FAIL() << "expected a ParamError";
  } catch (const ParamError& e) {
    EXPECT_EQ(e.key(), "domain_size");
  }
}

}  // namespace
}  // namespace xpusim::hw
