// Hold-model benchmark of the pending-event set: keep N events pending; each step pops the
// earliest and pushes one at now + an exponential increment, so the queue size stays N.
// items_per_second counts popped events. Increments are drawn before timing from a fixed table
// so the RNG's cost is not measured.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "xpusim/core/event_queue.hpp"
#include "xpusim/core/rng.hpp"

namespace {

using xpusim::EventId;
using xpusim::EventQueue;
using xpusim::TimeNs;

struct NullHandler : xpusim::EventHandler {
  void on_event(std::uint32_t, std::uint64_t) override {}
};

constexpr std::size_t kTableSize = 1 << 16;  // power of two: index with a mask
constexpr double kMeanIncrementNs = 1e6;

std::vector<TimeNs> increment_table(std::uint64_t seed) {
  xpusim::RngStream rng(seed);
  std::vector<TimeNs> table(kTableSize);
  for (auto& t : table) t = 1 + static_cast<TimeNs>(rng.exponential(1.0 / kMeanIncrementNs));
  return table;
}

// Fills the queue with n events; payload = the event's index into `ids` (for cancellation).
void prefill(EventQueue& q, NullHandler& h, std::vector<EventId>& ids,
             const std::vector<TimeNs>& inc) {
  for (std::size_t i = 0; i < ids.size(); ++i)
    ids[i] = q.push(inc[i & (kTableSize - 1)] * 4, h, 0, i);
}

void BM_Hold(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::vector<TimeNs> inc = increment_table(1);
  EventQueue q;
  NullHandler h;
  q.reserve(n + 1);
  std::vector<EventId> ids(n);
  prefill(q, h, ids, inc);
  std::size_t k = 0;
  for (auto _ : state) {
    const xpusim::Event e = q.pop();
    q.push(e.time + inc[k++ & (kTableSize - 1)], h, 0, e.payload);
    benchmark::DoNotOptimize(e.payload);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// As BM_Hold, but on every tenth step a random pending event is also cancelled and replaced
// (as preemption does), so dead heap entries are skipped at the top.
void BM_HoldCancel10(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::vector<TimeNs> inc = increment_table(2);
  std::vector<std::uint32_t> victims(kTableSize);
  xpusim::RngStream rng(3);
  for (auto& v : victims) v = static_cast<std::uint32_t>(rng.uniform_int(0, static_cast<std::int64_t>(n) - 1));
  EventQueue q;
  NullHandler h;
  q.reserve(2 * n + 1);
  std::vector<EventId> ids(n);
  prefill(q, h, ids, inc);
  std::size_t k = 0;
  std::uint32_t step = 0;
  for (auto _ : state) {
    const xpusim::Event e = q.pop();
    const TimeNs now = e.time;
    ids[e.payload] = q.push(now + inc[k++ & (kTableSize - 1)], h, 0, e.payload);
    if (++step == 10) {
      step = 0;
      const std::uint32_t v = victims[k & (kTableSize - 1)];
      q.cancel(ids[v]);
      ids[v] = q.push(now + inc[k++ & (kTableSize - 1)], h, 0, v);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

BENCHMARK(BM_Hold)->Arg(1'000)->Arg(10'000)->Arg(1'000'000);
BENCHMARK(BM_HoldCancel10)->Arg(1'000)->Arg(10'000)->Arg(1'000'000);

}  // namespace

BENCHMARK_MAIN();
