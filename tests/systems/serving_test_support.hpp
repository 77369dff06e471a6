#pragma once
// Hand-made pieces for testing serving systems: a simple execution model whose times are easy
// to compute by hand, and an observer that records everything.
#include <map>
#include <memory>
#include <vector>

#include "xpusim/core/simulator.hpp"
#include "xpusim/hw/device.hpp"
#include "xpusim/model/execution_model.hpp"
#include "xpusim/policy/batching/vllm.hpp"
#include "xpusim/systems/serving_instance.hpp"

namespace xpusim::systems::testing {

// time = base + per_decode * decode_seqs + per_prefill_token * prefill_tokens.
struct LinearExec : model::ExecutionModel {
  TimeNs base = 1'000'000, per_decode = 10'000, per_prefill_token = 1'000;
  model::IterationCost estimate(const model::BatchShape& b) const override {
    model::IterationCost c;
    c.time_ns = base + per_decode * b.decode_seqs + per_prefill_token * b.prefill_tokens;
    c.activity = 0.5;
    return c;
  }
  std::string name() const override { return "linear"; }
};

struct RecordingObserver : ServingObserver {
  std::vector<RequestRecord> done;
  std::map<TimeNs, std::int64_t> gaps;  // gap -> count
  std::int64_t gap_count = 0, preemptions = 0, iterations = 0, arrivals = 0;
  TimeNs last_iteration_end = 0;
  TimeNs busy_ns = 0;  // sum of iteration durations
  bool iterations_ordered = true;
  void on_arrival(const workload::Request&, TimeNs) override { ++arrivals; }
  void on_request_done(const RequestRecord& r) override { done.push_back(r); }
  void on_token_gaps(TimeNs gap, std::int64_t count) override {
    gaps[gap] += count;
    gap_count += count;
  }
  void on_preemption(std::uint64_t, int, TimeNs) override { ++preemptions; }
  void on_iteration(int, TimeNs start, TimeNs end, std::int64_t, std::int64_t) override {
    ++iterations;
    busy_ns += end - start;
    iterations_ordered = iterations_ordered && start >= last_iteration_end && end > start;
    last_iteration_end = end;
  }
};

inline hw::DeviceSpec test_gpu() {
  hw::DeviceSpec s;
  s.name = "test-gpu";
  s.peak_bf16_flops = 1e15;
  s.memory_bytes = 80e9;
  s.memory_bw_bytes_per_s = 3e12;
  s.idle_power_w = 100;
  s.max_power_w = 700;
  return s;
}

inline std::unique_ptr<ServingInstance> make_instance(Simulator& sim, const model::ExecutionModel& exec,
                                                      ServingObserver& obs, std::int64_t kv_blocks,
                                                      std::int32_t block_size = 16,
                                                      policy::VllmBatching::Config cfg = {}) {
  std::vector<std::unique_ptr<hw::Device>> devices;
  devices.push_back(std::make_unique<hw::Device>(0, "inst0.gpu0", test_gpu()));
  return std::make_unique<ServingInstance>(
      0, ServingInstance::Wiring{sim, exec, std::make_unique<policy::VllmBatching>(cfg), obs},
      std::move(devices), KvSizing{kv_blocks, block_size});
}

inline workload::Request request(std::uint64_t id, TimeNs arrival, int prompt, int output) {
  workload::Request r;
  r.id = id;
  r.arrival_ns = arrival;
  r.prompt_tokens = prompt;
  r.output_tokens = output;
  return r;
}

// Feeds requests to an instance at their arrival times.
struct Feeder : EventHandler {
  Simulator& sim;
  ServingInstance& inst;
  std::vector<workload::Request> reqs;
  Feeder(Simulator& s, ServingInstance& i, std::vector<workload::Request> r)
      : sim(s), inst(i), reqs(std::move(r)) {
    for (std::size_t k = 0; k < reqs.size(); ++k) sim.schedule_at(reqs[k].arrival_ns, *this, 0, k);
  }
  void on_event(std::uint32_t, std::uint64_t k) override { inst.enqueue(reqs[k], sim.now()); }
};

}  // namespace xpusim::systems::testing
