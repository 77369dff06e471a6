#include "xpusim/hw/switch_spec.hpp"

#include <gtest/gtest.h>

#include "flat_preset.hpp"

namespace xpusim::hw {
namespace {

// The Tofino preset: 100G ports, 64 x 4-byte slots (SwitchML P4), 1 MiB -> 4096 slots.
TEST(SwitchPreset, TofinoLoadsWithSlotsFromMemoryAndWidth) {
  const SwitchSpec s = SwitchSpec::binding().from(testing::read_named_preset("configs/hardware", "tofino"));
  EXPECT_EQ(s.name, "tofino");
  EXPECT_DOUBLE_EQ(s.port_bw_bytes_per_s, 100e9 / 8);
  EXPECT_EQ(s.payload_bytes(), 256);
  EXPECT_EQ(s.packet_wire_bytes(), 256 + 64);
  EXPECT_EQ(s.aggregator_slots(), 1024 * 1024 / 256);
}

TEST(SwitchSpec, MemoryBelowOneSlotNamesTheKey) {
  Params p = resolve_params(SwitchSpec::binding().schema(), {{"aggregator_memory_kb", 0.2}, {"port_gbps", 100.0}});
  try {
    SwitchSpec::binding().bind(p);
    FAIL() << "accepted a memory that holds no slot";
  } catch (const ParamError& e) {
    EXPECT_EQ(e.key(), "aggregator_memory_kb");
  }
  p.set("slot_elements", std::int64_t{16});  // 64-byte slots now fit three times
  EXPECT_EQ(SwitchSpec::binding().bind(p).aggregator_slots(), 3);
}

}  // namespace
}  // namespace xpusim::hw
