// The registry lines of the switch-memory family: one per policy, by the name the YAML uses.
#include "xpusim/policy/switch_memory/atp.hpp"
#include "xpusim/policy/switch_memory/esa.hpp"
#include "xpusim/policy/switch_memory/static_pool.hpp"

namespace xpusim::policy {

void register_switch_memory_policies(SwitchMemoryCatalog& c) {
  c.add("static_pool",
        "SwitchML: each job owns a fixed pool of slots, chunk i uses slot i mod pool, "
        "self-clocked (window = pool); jobs without a pool use their parameter server",
        StaticPool::binding(),
        [](const StaticPool::Config& cfg) { return std::make_unique<StaticPool>(cfg); });
  c.add("atp",
        "ATP: one shared pool indexed by hash(job, sequence); a collision falls back to the "
        "parameter server; a slot is freed when the aggregate's acknowledgement passes back",
        Atp::binding(),
        [](const Atp::Config& cfg) { return std::make_unique<Atp>(cfg.window_packets); });
  c.add("esa",
        "ESA: ATP's shared hashed pool with preemption: a chunk takes a slot whose aggregate only "
        "waits for its acknowledgement, or one held by a lower-priority job (whose partial "
        "aggregate goes to its parameter server)",
        Esa::binding(), [](const Esa::Config& cfg) { return std::make_unique<Esa>(cfg); });
}

}  // namespace xpusim::policy
