// The registry lines of the switch-memory family: one per policy, by the name the YAML uses.
#include "xpusim/policy/switch_memory/atp.hpp"
#include "xpusim/policy/switch_memory/esa.hpp"
#include "xpusim/policy/switch_memory/static_pool.hpp"

namespace xpusim::policy {

namespace {

const char* kWindowHelp =
    "chunks each worker may have sent without their result (its sending window)";

}  // namespace

void register_switch_memory_policies(SwitchMemoryCatalog& c) {
  ParamSchema pool;
  pool.integer("partitions", 4, "",
               "equal pools the aggregator memory is cut into; a job owns one for its whole life",
               {.min = 1, .max = 1 << 20})
      .integer("fallback_window_packets", 64, "",
               "sending window of a job that found no free pool (its traffic goes to its "
               "parameter server)",
               {.min = 1, .max = 1 << 24});
  c.add("static_pool",
        "SwitchML: each job owns a fixed pool of slots, chunk i uses slot i mod pool, "
        "self-clocked (window = pool); jobs without a pool use their parameter server",
        pool, [](const Params& p) {
          return std::make_unique<StaticPool>(
              StaticPool::Config{p.integer("partitions"), p.integer("fallback_window_packets")});
        });

  ParamSchema atp;
  atp.integer("window_packets", 128, "", kWindowHelp, {.min = 1, .max = 1 << 24});
  c.add("atp",
        "ATP: one shared pool indexed by hash(job, sequence); a collision falls back to the "
        "parameter server; a slot is freed when the aggregate's acknowledgement passes back",
        atp, [](const Params& p) { return std::make_unique<Atp>(p.integer("window_packets")); });

  ParamSchema esa;
  esa.integer("window_packets", 128, "", kWindowHelp, {.min = 1, .max = 1 << 24})
      .choice("priority", "least_remaining", {"least_remaining", "earliest_arrival"},
              "which job wins a contended slot: least remaining gradient bytes first, or "
              "earliest arrival first")
      .boolean("take_complete_slots", true,
               "take a slot whose aggregate has left and only waits for its acknowledgement "
               "(false: treat it as held, preempting only by priority; an ablation)");
  c.add("esa",
        "ESA: ATP's shared hashed pool with preemption: a chunk takes a slot whose aggregate only "
        "waits for its acknowledgement, or one held by a lower-priority job (whose partial "
        "aggregate goes to its parameter server)",
        esa, [](const Params& p) {
          Esa::Config cfg;
          cfg.window_packets = p.integer("window_packets");
          cfg.take_complete_slots = p.boolean("take_complete_slots");
          cfg.priority = p.string("priority") == "least_remaining" ? Esa::Priority::LeastRemaining
                                                                   : Esa::Priority::EarliestArrival;
          return std::make_unique<Esa>(cfg);
        });
}

}  // namespace xpusim::policy
