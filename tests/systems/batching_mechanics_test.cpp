// How the instance applies chunked, layered and reserved (Orca) plans, with hand-checkable times.
#include <gtest/gtest.h>

#include "serving_test_support.hpp"
#include "xpusim/policy/batching/layered_prefill.hpp"
#include "xpusim/policy/batching/orca.hpp"
#include "xpusim/policy/batching/sarathi.hpp"

namespace xpusim::systems {
namespace {

using namespace testing;

std::unique_ptr<ServingInstance> with_policy(Simulator& sim, const model::ExecutionModel& exec,
                                             ServingObserver& obs, std::int64_t blocks,
                                             std::unique_ptr<policy::BatchingPolicy> p) {
  std::vector<std::unique_ptr<hw::Device>> devices;
  devices.push_back(std::make_unique<hw::Device>(0, "inst0.gpu0", test_gpu()));
  return std::make_unique<ServingInstance>(0, ServingInstance::Wiring{sim, exec, std::move(p), obs},
                                           std::move(devices), KvSizing{blocks, 16});
}

// Records the prefill layer fraction of every iteration.
struct ShapeLog : LinearExec {
  mutable std::vector<model::BatchShape> shapes;
  model::IterationCost estimate(const model::BatchShape& b) const override {
    shapes.push_back(b);
    return LinearExec::estimate(b);
  }
};

TEST(BatchingMechanics, SarathiChunksAPromptAcrossIterations) {
  Simulator sim;
  ShapeLog exec;
  RecordingObserver obs;
  auto inst = with_policy(sim, exec, obs, 1000,
                          std::make_unique<policy::SarathiBatching>(policy::SarathiBatching::Config{256, 64}));
  inst->enqueue(request(0, 0, 1000, 3), 0);
  sim.run();
  ASSERT_EQ(obs.done.size(), 1u);
  // 1000 prompt tokens in chunks of 256: 256, 256, 256, 232, then two decode steps.
  ASSERT_EQ(exec.shapes.size(), 6u);
  EXPECT_EQ(exec.shapes[0].prefill_tokens, 256);
  EXPECT_EQ(exec.shapes[3].prefill_tokens, 232);
  EXPECT_EQ(exec.shapes[3].prefill_cached_sum, 768);
  EXPECT_EQ(exec.shapes[4].decode_seqs, 1);
  EXPECT_EQ(obs.done[0].first_token_ns,
            4 * exec.base + 1000 * exec.per_prefill_token);
}

TEST(BatchingMechanics, SarathiDynamicChunksFollowThePromptsProgress) {
  Simulator sim;
  ShapeLog exec;
  RecordingObserver obs;
  policy::SarathiBatching::Config c;
  c.dynamic_chunking = true;
  c.high_chunk_size = 1024;
  c.low_chunk_size = 256;
  c.chunk_schedule_max_tokens = 2048;
  c.chunk_schedule_stages = 2;  // 1024 for the first 1024 prompt tokens, then 256
  auto inst = with_policy(sim, exec, obs, 1000, std::make_unique<policy::SarathiBatching>(c));
  inst->enqueue(request(0, 0, 2000, 1), 0);
  sim.run();
  std::vector<std::int64_t> chunks;
  for (const auto& s : exec.shapes) chunks.push_back(s.prefill_tokens);
  EXPECT_EQ(chunks, (std::vector<std::int64_t>{1024, 256, 256, 256, 208}));
}

TEST(BatchingMechanics, LayeredPrefillTakesOneIterationPerGroupWhileDecodesContinue) {
  Simulator sim;
  ShapeLog exec;
  RecordingObserver obs;
  auto inst = with_policy(sim, exec, obs, 1000,
                          std::make_unique<policy::LayeredPrefillBatching>(
                              policy::LayeredPrefillBatching::Config{4, 64, 8192}));
  inst->enqueue(request(0, 0, 100, 50), 0);
  sim.run(5'000'000);  // A's 4-group prefill is done by now
  inst->enqueue(request(1, sim.now(), 800, 2), sim.now());
  sim.run();
  ASSERT_EQ(obs.done.size(), 2u);
  // Every iteration with B's prefill also ran A's decode, at a quarter of the layers.
  int layered = 0;
  for (const auto& s : exec.shapes)
    if (s.prefill_tokens == 800) {
      ++layered;
      EXPECT_EQ(s.decode_seqs, 1);
      EXPECT_DOUBLE_EQ(s.prefill_layer_fraction, 0.25);
    }
  EXPECT_EQ(layered, 4);
}

TEST(BatchingMechanics, OrcaReservationsNeverGrowOrPreempt) {
  Simulator sim;
  LinearExec exec;
  RecordingObserver obs;
  policy::OrcaBatching::Config c;
  c.max_seq_len = 512;  // 32 blocks per request
  auto inst = with_policy(sim, exec, obs, 100, std::make_unique<policy::OrcaBatching>(c));
  for (int i = 0; i < 6; ++i) inst->enqueue(request(i, 0, 100, 300), 0);
  sim.run(exec.base + 100 * exec.per_prefill_token);  // the first prefill is done
  EXPECT_EQ(inst->running_count(), 3u);       // 3 x 32 of 100 blocks reserved
  EXPECT_EQ(inst->kv().allocated(), 96);
  sim.run();
  EXPECT_EQ(obs.done.size(), 6u);
  EXPECT_EQ(obs.preemptions, 0);
  EXPECT_EQ(inst->kv().allocated(), 0);
}

}  // namespace
}  // namespace xpusim::systems
