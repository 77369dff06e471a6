// The decode tracker alone, on hand-made sequences (blocks of 4 tokens): who finishes at which
// step, when a growing sequence needs its next block, token-gap groups, stale entries.
#include "xpusim/systems/decode_tracker.hpp"

#include <gtest/gtest.h>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {
namespace {

Sequence seq(std::int32_t prompt, std::int32_t output, std::int64_t blocks, std::int32_t tenant = 0) {
  Sequence q;
  q.request.prompt_tokens = prompt;
  q.request.output_tokens = output;
  q.request.tenant = tenant;
  q.generated = 1;  // the prefill emitted the first token
  q.blocks = blocks;
  q.epoch = 1;
  return q;
}

TEST(DecodeTracker, ReturnsFinishedSequencesAtTheirLastStep) {
  DecodeTracker t(4);
  std::vector<Sequence> seqs{seq(6, 5, 2), seq(6, 3, 3, 1)};
  t.join(0, seqs[0], 6, 100);  // 4 more tokens: last at step 4
  const auto& none = t.advance(200, seqs);
  EXPECT_TRUE(none.empty());
  t.join(1, seqs[1], 6, 200);  // joins at step 1; 2 more tokens: last at step 3
  EXPECT_EQ(t.decoding(), 2);
  EXPECT_TRUE(t.advance(300, seqs).empty());  // step 2
  const std::vector<std::uint32_t> at3 = t.advance(400, seqs);
  EXPECT_EQ(at3, std::vector<std::uint32_t>{1});
  EXPECT_EQ(t.generated(seqs[1]), 3);
  t.leave(seqs[1]);
  ++seqs[1].epoch;
  seqs[1].state = SeqState::Free;
  const std::vector<std::uint32_t> at4 = t.advance(500, seqs);
  EXPECT_EQ(at4, std::vector<std::uint32_t>{0});
  EXPECT_EQ(t.generated(seqs[0]), 5);
  EXPECT_EQ(t.kv_tokens(seqs[0]), 10);
  t.check(seqs);
}

TEST(DecodeTracker, GrowingSequenceNeedsABlockWhenItsBlocksAreFull) {
  DecodeTracker t(4);
  // Paged: 6 prompt tokens hold 2 blocks (8 tokens); it grows toward 6 + 9 = 15 tokens.
  // Orca-like: 4 blocks hold the final 15 tokens; it never needs another.
  std::vector<Sequence> seqs{seq(6, 9, 2), seq(6, 9, 4)};
  t.join(0, seqs[0], 6, 0);
  t.join(1, seqs[1], 6, 0);
  std::vector<std::int64_t> needed;
  for (int step = 0; step < 7; ++step) {
    needed.push_back(t.blocks_needed());
    if (step < 6) t.advance(step + 1, seqs);
  }
  // KV reaches 8 tokens (2 full blocks) at step 2 and 12 at step 6 for the paged one only.
  EXPECT_EQ(needed, (std::vector<std::int64_t>{0, 0, 1, 0, 0, 0, 1}));
  // Its holding follows its KV: ceil(12 / 4) = 3 blocks at step 6 (before the step's block).
  EXPECT_EQ(t.blocks_held(seqs[0]), 3);
  EXPECT_TRUE(t.needs_block_now(seqs[0]));
  EXPECT_FALSE(t.needs_block_now(seqs[1]));
  EXPECT_EQ(t.blocks_held(seqs[1]), 4);
  t.check(seqs);
}

TEST(DecodeTracker, GroupsTokenGapsAndCountsTenants) {
  DecodeTracker t(4);
  std::vector<Sequence> seqs{seq(4, 9, 1, 0), seq(4, 9, 1, 2), seq(4, 9, 1, 2)};
  t.join(0, seqs[0], 4, 100);
  t.join(1, seqs[1], 4, 100);
  t.join(2, seqs[2], 4, 150);
  using Groups = std::vector<std::pair<TimeNs, std::int64_t>>;
  EXPECT_EQ(t.token_groups(), (Groups{{100, 2}, {150, 1}}));
  std::vector<std::pair<std::int32_t, std::int64_t>> by_tenant;
  t.tenants().for_each([&](std::int32_t tenant, std::int64_t n) { by_tenant.push_back({tenant, n}); });
  EXPECT_EQ(by_tenant, (std::vector<std::pair<std::int32_t, std::int64_t>>{{0, 1}, {2, 2}}));
  t.advance(300, seqs);
  EXPECT_EQ(t.token_groups(), (Groups{{300, 3}}));
  EXPECT_EQ(t.last_token_ns(seqs[0]), 300);
  t.leave(seqs[2]);  // its group shrinks
  seqs[2].state = SeqState::Free;
  EXPECT_EQ(t.token_groups(), (Groups{{300, 2}}));
  EXPECT_EQ(t.kv_sum(), 10);  // two sequences with 5 tokens each
  t.check(seqs);
  // A wrong aggregate is caught: a sequence decoding that never joined.
  seqs[2].state = SeqState::Decoding;
  EXPECT_THROW(t.check(seqs), InvariantError);
}

}  // namespace
}  // namespace xpusim::systems
