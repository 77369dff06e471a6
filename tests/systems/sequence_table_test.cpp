// The sequence table alone: slot reuse (last freed first), epochs, the running list walked from
// the newest, and clearing on a failure.
#include "xpusim/systems/sequence_table.hpp"

#include <gtest/gtest.h>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {
namespace {

workload::Request req(std::uint64_t id, std::int32_t prompt = 32) {
  workload::Request r;
  r.id = id;
  r.prompt_tokens = prompt;
  r.output_tokens = 4;
  return r;
}

TEST(SequenceTable, ReusesTheLastFreedSlotWithANewEpoch) {
  SequenceTable t(nullptr);
  const std::uint32_t a = t.create(req(1));
  const std::uint32_t b = t.create(req(2));
  const std::uint32_t c = t.create(req(3, 48));
  EXPECT_EQ((std::vector<std::uint32_t>{a, b, c}), (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(t[c].state, SeqState::Waiting);
  EXPECT_EQ(t[c].prefill_len, 48);
  const std::uint32_t epoch_a = t[a].epoch;
  t.release(a);
  t.release(c);
  EXPECT_EQ(t[a].state, SeqState::Free);
  EXPECT_NE(t[a].epoch, epoch_a);  // a (slot, epoch) taken before no longer matches
  EXPECT_EQ(t.create(req(4)), c);  // last freed first
  EXPECT_EQ(t.create(req(5)), a);
  EXPECT_EQ(t.create(req(6)), 3u);
  EXPECT_EQ(t[a].request.id, 5u);
}

TEST(SequenceTable, AFreedSlotHoldsNoPerRequestVectors) {
  SequenceTable t(nullptr);
  workload::Request r = req(1);
  r.prefix_hashes = {11, 12};
  r.prefix_types = {workload::TokenType{}, workload::TokenType{}};
  r.output_hashes = {13};
  r.output_types = {workload::TokenType{}};
  const std::uint32_t a = t.create(std::move(r));
  t.release(a);
  EXPECT_EQ(t[a].request.prefix_hashes.capacity(), 0u);
  EXPECT_EQ(t[a].request.prefix_types.capacity(), 0u);
  EXPECT_EQ(t[a].request.output_hashes.capacity(), 0u);
  EXPECT_EQ(t[a].request.output_types.capacity(), 0u);
}

TEST(SequenceTable, RunningListKeepsAdmissionOrderAndWalksFromTheNewest) {
  SequenceTable t(nullptr);
  std::vector<std::uint32_t> s;
  for (std::uint64_t id = 0; id < 4; ++id) {
    s.push_back(t.create(req(id)));
    t[s.back()].state = SeqState::Prefilling;
    t.link_running(s.back());
  }
  EXPECT_EQ(t.running_count(), 4u);
  EXPECT_EQ(t.oldest_running(), s[0]);
  EXPECT_EQ(t.newest_running(), s[3]);
  EXPECT_EQ(t.newest_running(0), s[3]);
  EXPECT_EQ(t.newest_running(2), s[1]);
  EXPECT_EQ(t.newest_running(1), s[2]);  // walking back restarts from the newest
  t.unlink_running(s[2]);
  EXPECT_EQ(t.newest_running(1), s[1]);
  t.unlink_running(s[3]);
  EXPECT_EQ(t.newest_running(), s[1]);
  EXPECT_EQ(t.running_count(), 2u);
  t.check();
  EXPECT_THROW(t.newest_running(2), InvariantError);
  // A running sequence in the wrong state is caught.
  t[s[0]].state = SeqState::Swapped;
  EXPECT_THROW(t.check(), InvariantError);
}

// Equinox's adaptive batching reads the running set's final footprint: prompt + output of every
// running sequence, kept as the list changes (32 + 4 each here, one of 100 + 4).
TEST(SequenceTable, RunningFinalTokensFollowTheRunningList) {
  SequenceTable t(nullptr);
  const std::uint32_t a = t.create(req(0));
  const std::uint32_t b = t.create(req(1, 100));
  t[a].state = t[b].state = SeqState::Decoding;
  t.link_running(a);
  t.link_running(b);
  EXPECT_EQ(t.running_final_tokens(), 36 + 104);
  t.unlink_running(a);
  EXPECT_EQ(t.running_final_tokens(), 104);
  t.check();
  t.clear();
  EXPECT_EQ(t.running_final_tokens(), 0);
  // A running request whose length changes behind the table's back is caught.
  const std::uint32_t c = t.create(req(2));
  t[c].state = SeqState::Decoding;
  t.link_running(c);
  t[c].request.output_tokens = 5;
  EXPECT_THROW(t.check(), InvariantError);
}

TEST(SequenceTable, ClearForgetsEverySequence) {
  SequenceTable t(nullptr);
  for (std::uint64_t id = 0; id < 3; ++id) {
    const std::uint32_t s = t.create(req(id));
    t[s].state = SeqState::Decoding;
    t.link_running(s);
  }
  t.swapped().push_back(1);
  t[1].state = SeqState::Swapped;
  const std::uint32_t epoch = t[0].epoch;
  t.clear();
  EXPECT_EQ(t.running_count(), 0u);
  EXPECT_TRUE(t.swapped().empty());
  EXPECT_EQ(t[0].state, SeqState::Free);
  EXPECT_EQ(t[0].epoch, epoch + 1);
  t.check();
  // Slots come back lowest first after a clear.
  EXPECT_EQ(t.create(req(9)), 0u);
  EXPECT_EQ(t.create(req(10)), 1u);
}

}  // namespace
}  // namespace xpusim::systems
