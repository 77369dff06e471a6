// The instance admitting through a fairness policy, and FastSwitch-style swap transfer costs.
#include <gtest/gtest.h>

#include "serving_test_support.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/policy/fairness/equinox.hpp"
#include "xpusim/policy/fairness/rpm_limit.hpp"
#include "xpusim/policy/fairness/vtc.hpp"

namespace xpusim::systems {
namespace {

using namespace testing;

struct Feed : EventHandler {
  Simulator& sim;
  ServingInstance& inst;
  std::vector<workload::Request> reqs;
  Feed(Simulator& s, ServingInstance& i, std::vector<workload::Request> r)
      : sim(s), inst(i), reqs(std::move(r)) {
    for (std::size_t k = 0; k < reqs.size(); ++k) sim.schedule_at(reqs[k].arrival_ns, *this, 0, k);
  }
  void on_event(std::uint32_t, std::uint64_t k) override { inst.enqueue(reqs[k], sim.now()); }
};

// Records the tenant-service hooks on top of everything RecordingObserver keeps.
struct ServiceObserver : RecordingObserver {
  std::int64_t admitted = 0, output_tokens = 0, requeued = 0, swap_transfers = 0;
  TimeNs swap_stall_ns = 0;
  double swap_bytes = 0;
  std::int64_t swap_iterations = 0;
  void on_admitted(std::int32_t, std::int64_t, bool, TimeNs) override { ++admitted; }
  void on_output_tokens(std::int32_t, std::int64_t n, TimeNs) override { output_tokens += n; }
  void on_requeued(std::int32_t, TimeNs) override { ++requeued; }
  void on_swap_stall(int, TimeNs stall, double bytes, std::int64_t transfers) override {
    swap_stall_ns += stall;
    swap_bytes += bytes;
    swap_transfers += transfers;
    ++swap_iterations;
  }
};

std::unique_ptr<ServingInstance> fair_instance(Simulator& sim, const model::ExecutionModel& exec,
                                               ServingObserver& obs, std::int64_t blocks,
                                               std::unique_ptr<policy::FairnessPolicy> fairness,
                                               policy::VllmBatching::Config cfg = {}) {
  std::vector<std::unique_ptr<hw::Device>> devices;
  devices.push_back(std::make_unique<hw::Device>(0, "inst0.gpu0", test_gpu()));
  ServingInstance::Wiring w{sim, exec, std::make_unique<policy::VllmBatching>(cfg), obs};
  w.fairness = std::move(fairness);
  return std::make_unique<ServingInstance>(0, std::move(w), std::move(devices),
                                           KvSizing{blocks, 16});
}

workload::Request tenant_request(std::uint64_t id, TimeNs at, std::int32_t tenant, int in,
                                 int out) {
  workload::Request r = request(id, at, in, out);
  r.tenant = tenant;
  return r;
}

std::unique_ptr<policy::FairnessPolicy> vtc() {
  return std::make_unique<policy::VtcFairness>(policy::VtcFairness::Config{},
                                               policy::TenantWeights{});
}

// One request at a time: t0 queues five, t1 one after them. FCFS serves t1 last; VTC lifts
// t1 to t0's counter on arrival and, t0 having earned output tokens since, serves t1 next.
TEST(FairAdmission, VtcServesTheReturningTenantBeforeTheFloodingOne) {
  for (const bool use_vtc : {false, true}) {
    Simulator sim;
    LinearExec exec;
    ServiceObserver obs;
    policy::VllmBatching::Config cfg;
    cfg.max_num_seqs = 1;
    auto inst = fair_instance(sim, exec, obs, 1000, use_vtc ? vtc() : nullptr, cfg);
    std::vector<workload::Request> reqs;
    for (int i = 0; i < 5; ++i) reqs.push_back(tenant_request(i, 0, 0, 100, 20));
    reqs.push_back(tenant_request(5, 0, 1, 100, 20));
    Feed feed(sim, *inst, reqs);
    sim.run();
    ASSERT_EQ(obs.done.size(), 6u);
    std::size_t position = 0;
    while (obs.done[position].tenant != 1) ++position;
    EXPECT_EQ(position, use_vtc ? 1u : 5u) << (use_vtc ? "vtc" : "fcfs");
    EXPECT_EQ(obs.admitted, 6);
    EXPECT_EQ(obs.output_tokens, 6 * 19) << "every decode-step token is attributed";
  }
}

// With one tenant, every policy's per-tenant queue is FIFO with preempted requests first,
// which is exactly the single queue: results must be identical, preemptions included.
TEST(FairAdmission, SingleTenantPerTenantQueuesMatchTheSingleQueueExactly) {
  auto run = [](std::unique_ptr<policy::FairnessPolicy> fairness) {
    Simulator sim;
    LinearExec exec;
    ServiceObserver obs;
    auto inst = fair_instance(sim, exec, obs, 80, std::move(fairness), {8, 2048, 0.0});
    RngStream rng(3);
    std::vector<workload::Request> reqs;
    TimeNs t = 0;
    for (int i = 0; i < 200; ++i) {
      t += static_cast<TimeNs>(rng.exponential(1.0 / 2e6));
      reqs.push_back(request(i, t, static_cast<int>(rng.uniform_int(1, 400)),
                             static_cast<int>(rng.uniform_int(1, 300))));
    }
    Feed feed(sim, *inst, reqs);
    sim.run();
    EXPECT_GT(obs.preemptions, 0);
    std::vector<std::tuple<std::uint64_t, TimeNs, TimeNs, std::int32_t>> out;
    for (const auto& r : obs.done)
      out.emplace_back(r.id, r.first_token_ns, r.finish_ns, r.preemptions);
    return out;
  };
  const auto fcfs = run(nullptr);
  EXPECT_EQ(run(vtc()), fcfs);
  EXPECT_EQ(run(std::make_unique<policy::EquinoxFairness>(policy::EquinoxFairness::Config{},
                                                          policy::TenantWeights{}, 1)),
            fcfs);
}

TEST(FairAdmission, RandomisedConservationWithPerTenantQueues) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    Simulator sim;
    LinearExec exec;
    ServiceObserver obs;
    auto policy =
        seed % 2 ? vtc()
                 : std::make_unique<policy::EquinoxFairness>(
                       policy::EquinoxFairness::Config{}, policy::TenantWeights{{1, 2, 3}}, seed);
    auto inst = fair_instance(sim, exec, obs, 100, std::move(policy), {16, 2048, 0.0});
    RngStream rng(seed);
    std::vector<workload::Request> reqs;
    TimeNs t = 0;
    for (int i = 0; i < 300; ++i) {
      t += static_cast<TimeNs>(rng.exponential(1.0 / 1e6));
      reqs.push_back(tenant_request(i, t, static_cast<std::int32_t>(rng.uniform_int(0, 3)),
                                    static_cast<int>(rng.uniform_int(1, 500)),
                                    static_cast<int>(rng.uniform_int(1, 300))));
    }
    Feed feed(sim, *inst, reqs);
    sim.run();
    ASSERT_EQ(obs.done.size(), reqs.size()) << "seed " << seed;
    EXPECT_EQ(inst->kv().allocated(), 0);
    EXPECT_EQ(inst->outstanding(), 0);
    std::int64_t rejected = 0;
    for (const auto& r : obs.done) rejected += r.outcome == RequestOutcome::Rejected;
    // Every queued request left the queue once per time it entered it.
    EXPECT_EQ(obs.admitted + rejected, 300 + obs.requeued) << "seed " << seed;
  }
}

TEST(FairAdmission, RateLimitRejectsAtArrival) {
  Simulator sim;
  LinearExec exec;
  ServiceObserver obs;
  auto inst = fair_instance(
      sim, exec, obs, 1000,
      std::make_unique<policy::RpmLimitFairness>(policy::RpmLimitFairness::Config{3, 60}));
  std::vector<workload::Request> reqs;
  for (int i = 0; i < 5; ++i) reqs.push_back(tenant_request(i, i * 1'000'000, 0, 10, 2));
  reqs.push_back(tenant_request(5, 6'000'000, 1, 10, 2));
  Feed feed(sim, *inst, reqs);
  sim.run();
  std::int64_t rejected = 0;
  for (const auto& r : obs.done) rejected += r.outcome == RequestOutcome::Rejected;
  EXPECT_EQ(rejected, 2);
  EXPECT_EQ(obs.admitted, 4);
}

// Swaps move blocks in groups; each transfer pays a fixed setup time on top of the bytes.
TEST(FairAdmission, SwapStallIsBytesOverBandwidthPlusPerTransferOverhead) {
  auto run = [](std::int64_t group) {
    Simulator sim;
    LinearExec exec;
    ServiceObserver obs;
    std::vector<std::unique_ptr<hw::Device>> devices;
    devices.push_back(std::make_unique<hw::Device>(0, "inst0.gpu0", test_gpu()));
    KvSizing sizing{40, 16, 1000, 2e6, 1e9};  // 2 ms a block
    sizing.swap_block_group = group;
    sizing.swap_transfer_overhead_s = 1e-3;
    policy::VllmBatching::Config cfg;
    cfg.preemption_mode = policy::VllmBatching::PreemptionMode::Swap;
    cfg.watermark = 0;
    ServingInstance inst(0, {sim, exec, std::make_unique<policy::VllmBatching>(cfg), obs},
                         std::move(devices), sizing);
    for (int i = 0; i < 8; ++i) inst.enqueue(request(i, 0, 100, 150), 0);
    sim.run();
    EXPECT_GT(obs.swap_iterations, 0);
    const double expected_s = obs.swap_bytes / 1e9 + 1e-3 * static_cast<double>(obs.swap_transfers);
    EXPECT_NEAR(static_cast<double>(obs.swap_stall_ns), expected_s * 1e9,
                static_cast<double>(obs.swap_iterations));  // ceil to the ns per iteration
    return obs.swap_transfers;
  };
  const std::int64_t per_block = run(1);
  const std::int64_t grouped = run(4);
  EXPECT_GT(per_block, grouped);
  EXPECT_GE(grouped * 4, per_block) << "a group moves at most 4 blocks";
}

// FastSwitch's overlap on a whole instance: every iteration with a swap is a decode step of at
// most 8 sequences (LinearExec: 1 ms + 10 us each, so 1 to 1.08 ms), and every swap moves at
// least one 2 ms block plus 1 ms of setup, so the swap always outlasts the compute and the
// exposed stall is the swap time less each such iteration's compute.
TEST(FairAdmission, OverlappedSwapExposesOnlyWhatOutlastsTheCompute) {
  Simulator sim;
  LinearExec exec;
  ServiceObserver obs;
  std::vector<std::unique_ptr<hw::Device>> devices;
  devices.push_back(std::make_unique<hw::Device>(0, "inst0.gpu0", test_gpu()));
  KvSizing sizing{40, 16, 1000, 2e6, 1e9};  // 2 ms a block
  sizing.swap_transfer_overhead_s = 1e-3;
  sizing.swap_overlap = true;
  policy::VllmBatching::Config cfg;
  cfg.preemption_mode = policy::VllmBatching::PreemptionMode::Swap;
  cfg.watermark = 0;
  ServingInstance inst(0, {sim, exec, std::make_unique<policy::VllmBatching>(cfg), obs},
                       std::move(devices), sizing);
  for (int i = 0; i < 8; ++i) inst.enqueue(request(i, 0, 100, 150), 0);
  sim.run();
  ASSERT_GT(obs.swap_iterations, 0);
  const double swap_ns = (obs.swap_bytes / 1e9 + 1e-3 * static_cast<double>(obs.swap_transfers)) * 1e9;
  const auto iters = static_cast<double>(obs.swap_iterations);
  const auto stall = static_cast<double>(obs.swap_stall_ns);
  EXPECT_LE(stall, swap_ns - 1.0e6 * iters + iters);  // + 1 ns of ceil per iteration
  EXPECT_GE(stall, swap_ns - 1.08e6 * iters);
}

}  // namespace
}  // namespace xpusim::systems
