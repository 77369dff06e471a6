// The multi-rack INA fabric: second-level aggregation of a hand-made packet set, exact sums and
// slot accounting under preemption, drops and congestion control.
#include "xpusim/systems/ina_rack_fabric.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <tuple>

#include "xpusim/policy/switch_memory/atp.hpp"
#include "xpusim/policy/switch_memory/esa.hpp"
#include "xpusim/policy/switch_memory/static_pool.hpp"
#include "xpusim/systems/ina_fabric.hpp"

namespace xpusim::systems {
namespace {

class Recorder : public InaObserver {
 public:
  void on_job_finished(const InaJobRecord& r) override { finished[r.job] = r; }
  void on_job_unfinished(const InaJobRecord& r) override { unfinished[r.job] = r; }
  void on_slots_changed(TimeNs, std::int64_t occupied, std::int64_t aggregating) override {
    EXPECT_LE(aggregating, occupied);
  }
  void on_chunk_aggregated(const InaChunkRecord& r) override {
    const auto key = std::make_tuple(r.job, r.iteration, r.chunk);
    EXPECT_EQ(chunks.count(key), 0u) << "chunk delivered twice";
    chunks[key] = r;
  }
  std::map<std::int32_t, InaJobRecord> finished, unfinished;
  std::map<std::tuple<std::int32_t, std::int32_t, std::int64_t>, InaChunkRecord> chunks;
};

hw::SwitchSpec small_switch(std::int64_t slots) {
  hw::SwitchSpec s;
  s.aggregator_memory_bytes = static_cast<double>(slots * 256);
  s.port_bw_bytes_per_s = 12.5e9;
  return s;
}

workload::TrainingJob job(std::int32_t id, std::int32_t workers, double bytes,
                          std::int32_t iterations) {
  workload::TrainingJob j;
  j.id = id;
  j.workers = workers;
  j.gradient_bytes = bytes;
  j.iterations = iterations;
  j.compute_ns = 20'000;
  return j;
}

struct RackRun {
  Recorder rec;
  std::int64_t spine_packets = 0, leaked_slots = 0, finished = 0, decreases = 0;
};

void run(policy::SwitchMemoryPolicy& policy, std::int64_t slots, const InaNetworkConfig& net,
         const std::vector<workload::TrainingJob>& jobs, workload::TrainingTransport t,
         RackRun& out) {
  Simulator sim;
  InaRackFabric fabric({sim, policy, out.rec}, small_switch(slots), net, t, jobs, 7);
  fabric.start();
  sim.run(kTimeNever);
  fabric.report_unfinished();
  for (const auto& j : jobs) {
    out.spine_packets += fabric.spine_packets(j.id);
    out.decreases += fabric.window_decreases(j.id);
  }
  for (std::int32_t r = 0; r < net.racks; ++r) out.leaked_slots += fabric.rack_slots(r).occupied();
  out.finished = fabric.finished_jobs();
}

TEST(InaRackFabric, PsRackSwitchAggregatesTheWorkerRackPartialWithItsOwnWorkers) {
  // One chunk, four workers: 0 and 2 in rack 1, 1 and 3 in the PS's rack 0. Rack 1 sums two
  // packets into one partial, the only packet that crosses the spine; rack 0 sums it with the
  // two local packets: four contributions, complete in the switch.
  InaNetworkConfig net;
  net.racks = 2;
  policy::Atp atp(16);
  RackRun r;
  run(atp, 4, net, {job(0, 4, 256, 1)}, {.compute_jitter = 0}, r);
  ASSERT_EQ(r.finished, 1);
  EXPECT_EQ(r.spine_packets, 1);
  const InaJobRecord& rec = r.rec.finished.at(0);
  EXPECT_EQ(rec.in_switch_contributions, 4);
  EXPECT_EQ(rec.fallback_packets, 0);
  const auto& chunk = r.rec.chunks.at({0, 0, 0});
  EXPECT_TRUE(chunk.in_switch);
  std::int64_t sum = 0;
  for (std::int32_t w = 0; w < 4; ++w) sum += InaFabric::gradient_value(0, w, 0, 0);
  EXPECT_EQ(chunk.sum, sum);
  EXPECT_EQ(r.leaked_slots, 0);
}

TEST(InaRackFabric, WithoutTheSecondLevelThePsSumsThePartialAndTheLocalPackets) {
  InaNetworkConfig net;
  net.racks = 2;
  net.two_level = false;
  policy::Atp atp(16);
  RackRun r;
  run(atp, 4, net, {job(0, 4, 256, 1)}, {.compute_jitter = 0}, r);
  ASSERT_EQ(r.finished, 1);
  EXPECT_EQ(r.spine_packets, 1);
  const InaJobRecord& rec = r.rec.finished.at(0);
  EXPECT_EQ(rec.in_switch_contributions, 0);
  EXPECT_EQ(rec.fallback_packets, 4) << "2 local packets + a partial of 2 reach the PS";
  EXPECT_FALSE(r.rec.chunks.at({0, 0, 0}).in_switch);
}

TEST(InaRackFabric, EveryContributionIsAccountedOnceUnderPreemptionDropsAndCongestionControl) {
  // Three racks, 4 slots each, three jobs with stragglers: ESA preempts at both levels, small
  // buffers drop, the windows react.
  InaNetworkConfig net;
  net.racks = 3;
  net.congestion_control = true;
  net.ecn_threshold_packets = 4;
  net.buffer_packets = 16;
  const std::vector<workload::TrainingJob> jobs = {job(0, 5, 64e3, 3), job(1, 4, 16e3, 4),
                                                   job(2, 6, 128e3, 2)};
  policy::Esa esa({.window_packets = 32, .priority = policy::Esa::Priority::LeastRemaining});
  RackRun r;
  run(esa, 4, net, jobs, {.compute_jitter = 1.0, .retransmit_timeout_ns = 20'000}, r);
  ASSERT_EQ(r.finished, 3);
  EXPECT_EQ(r.leaked_slots, 0);
  EXPECT_GT(r.decreases, 0) << "the scenario must exercise congestion control";
  std::int64_t in_switch = 0, evicted = 0, evicted_contrib = 0, fallback = 0, contributions = 0;
  for (const auto& [id, rec] : r.rec.finished) {
    in_switch += rec.in_switch_contributions;
    evicted += rec.evicted_partials;
    evicted_contrib += rec.evicted_contributions;
    fallback += rec.fallback_packets;
    contributions += rec.contributions;
  }
  EXPECT_GT(evicted, 0) << "the scenario must exercise preemption";
  EXPECT_GT(in_switch, 0);
  EXPECT_EQ(in_switch + evicted_contrib + fallback, contributions);
  // Every chunk arrived once with the sum recomputed here.
  std::size_t expected = 0;
  for (const auto& j : jobs) {
    const auto packets = static_cast<std::int64_t>(std::ceil(j.gradient_bytes / 256));
    expected += static_cast<std::size_t>(packets * j.iterations);
    for (std::int32_t it = 0; it < j.iterations; ++it)
      for (std::int64_t c = 0; c < packets; ++c) {
        std::int64_t sum = 0;
        for (std::int32_t w = 0; w < j.workers; ++w)
          sum += InaFabric::gradient_value(j.id, w, it, c);
        ASSERT_EQ(r.rec.chunks.at({j.id, it, c}).sum, sum);
      }
  }
  EXPECT_EQ(r.rec.chunks.size(), expected);
}

// Static pools on two racks, one pool per switch: job 0 (PS in rack 0, workers in racks 1, 0,
// 1, 0) arrives first and owns the pool of both switches it aggregates at; job 1 (PS in rack 1,
// workers in racks 0, 1, 0, 1) finds neither free, so each of its packets passes both switches
// unaggregated and reaches its PS. Nothing is preempted and no slot is left held.
TEST(InaRackFabric, StaticPoolsAreHandedOutPerSwitchAndAJobWithoutAnyFallsBack) {
  InaNetworkConfig net;
  net.racks = 2;
  policy::StaticPool sp({.partitions = 1, .fallback_window_packets = 4});
  auto late = job(1, 4, 8 * 256, 1);
  late.arrival_ns = 1;
  RackRun r;
  run(sp, 8, net, {job(0, 4, 8 * 256, 1), late}, {.compute_jitter = 0}, r);
  ASSERT_EQ(r.finished, 2);
  EXPECT_EQ(r.leaked_slots, 0);
  const InaJobRecord& owner = r.rec.finished.at(0);
  EXPECT_EQ(owner.in_switch_contributions, 4 * 8);
  EXPECT_EQ(owner.fallback_packets, 0);
  const InaJobRecord& crowded = r.rec.finished.at(1);
  EXPECT_EQ(crowded.in_switch_contributions, 0);
  EXPECT_EQ(crowded.fallback_packets, 4 * 8);
  EXPECT_EQ(owner.evicted_partials + crowded.evicted_partials, 0);
  // Job 0: one partial per chunk over the spine; job 1: its two rack-0 workers' packets.
  EXPECT_EQ(r.spine_packets, 8 + 2 * 8);
}

// One chunk, four workers on two racks: with static pools the PS's rack switch sends the
// complete aggregate down itself, with ATP it goes to the PS and back first. Everything else is
// the same trip, so ATP's JCT is longer by exactly that round trip: 320 B at 12.5 GB/s (26 ns)
// plus 1 us of link latency each way, plus the switch's 500 ns pipeline on the way back in.
TEST(InaRackFabric, StaticPoolsSaveThePsRoundTripOfTheAggregate) {
  InaNetworkConfig net;
  net.racks = 2;
  policy::StaticPool sp({.partitions = 1, .fallback_window_packets = 4});
  policy::Atp atp(16);
  RackRun st, at;
  run(sp, 4, net, {job(0, 4, 256, 1)}, {.compute_jitter = 0}, st);
  run(atp, 4, net, {job(0, 4, 256, 1)}, {.compute_jitter = 0}, at);
  ASSERT_EQ(st.finished, 1);
  ASSERT_EQ(at.finished, 1);
  EXPECT_EQ(st.rec.finished.at(0).in_switch_contributions, 4);
  EXPECT_EQ(st.leaked_slots, 0);
  const TimeNs round_trip = (26 + 1000) + (26 + 1000 + 500);
  EXPECT_EQ(at.rec.finished.at(0).finish_ns - st.rec.finished.at(0).finish_ns, round_trip);
}

}  // namespace
}  // namespace xpusim::systems
