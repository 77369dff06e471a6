// Token-type reuse skew (workload.type_reuse): a segment of a type with keep probability p stays
// in the session's later context with probability p, else only the turn that added it sees it;
// the units after a dropped segment get new identities, so no later prompt shares them by
// accident (docs/prefix-cache.md, "Workloads with reuse").
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "xpusim/core/error.hpp"
#include "xpusim/workload/session_source.hpp"

namespace xpusim::workload {
namespace {

SessionSource::Config config_of(std::map<std::string, ParamValue> given) {
  given.emplace("session_rate_per_s", 1.0);
  return SessionSource::binding().from(given);
}

std::vector<Request> all(const SessionSource::Config& c, std::uint64_t seed = 1) {
  SessionSource src(c, seed);
  std::vector<Request> out;
  while (auto r = src.next()) out.push_back(std::move(*r));
  return out;
}

TEST(SessionTypeReuse, ParsesKeepProbabilitiesAndRejectsBadItems) {
  const auto c = config_of({{"type_reuse", std::string("tool:0.25, response : 1")}});
  EXPECT_DOUBLE_EQ(c.keep[static_cast<std::size_t>(TokenType::Tool)], 0.25);
  EXPECT_DOUBLE_EQ(c.keep[static_cast<std::size_t>(TokenType::Response)], 1.0);
  EXPECT_DOUBLE_EQ(c.keep[static_cast<std::size_t>(TokenType::User)], 1.0);
  for (const char* bad : {"system:0.5", "tool:1.5", "tool", "tool:-0.1", "tool:0.5,tool:0.2", "code:1"})
    EXPECT_THROW(config_of({{"type_reuse", std::string(bad)}}), ParamError) << bad;
}

// Agent, exact lengths: system 64, task 32, tool outputs 48, responses 32, no reasoning; every
// tool output is used once ("tool:0"). Hand-computed contexts:
//   turn 1: sys 64 + task 32                                  =  96 tokens (units 0-5)
//   turn 2: turn 1 + response 32 + tool 48                     = 176 tokens (units 0-10)
//   turn 3: turn 1 + response 32 + response 32 + tool 48        = 208 tokens (turn 2's tool gone)
TEST(SessionTypeReuse, ADroppedToolOutputLeavesTheNextContextAndRenamesWhatFollows) {
  const auto c = config_of({{"kind", std::string("agent")},
                            {"type_reuse", std::string("tool:0")},
                            {"num_sessions", std::int64_t{1}},
                            {"turns_min", std::int64_t{3}},
                            {"turns_max", std::int64_t{3}},
                            {"system_prompt_tokens", std::int64_t{64}},
                            {"user_tokens", 32.0},
                            {"tool_tokens", 48.0},
                            {"response_tokens", 32.0},
                            {"length_sigma", 0.0}});
  const auto t = all(c);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].prompt_tokens, 96);
  EXPECT_EQ(t[1].prompt_tokens, 176);
  EXPECT_EQ(t[2].prompt_tokens, 208);
  // Turn 1's response stays (its task was kept): its output units are turn 2's units 6-7.
  ASSERT_EQ(t[0].output_hashes.size(), 2u);
  EXPECT_EQ(t[0].output_hashes[0], t[1].prefix_hashes[6]);
  EXPECT_EQ(t[0].output_hashes[1], t[1].prefix_hashes[7]);
  // Turns 2 and 3 agree up to the dropped tool output (units 0-7), and differ from unit 8 on.
  for (std::size_t u = 0; u < 8; ++u) EXPECT_EQ(t[1].prefix_hashes[u], t[2].prefix_hashes[u]) << u;
  const std::set<std::uint64_t> earlier(t[1].prefix_hashes.begin(), t[1].prefix_hashes.end());
  for (std::size_t u = 8; u < t[2].prefix_hashes.size(); ++u) EXPECT_EQ(earlier.count(t[2].prefix_hashes[u]), 0u) << u;
  // Turn 2's response followed a tool output that is dropped: the response moves to units 8-9
  // of turn 3, so its generated blocks are not turn 3's (they are not reused).
  ASSERT_EQ(t[1].output_hashes.size(), 2u);
  for (const std::uint64_t h : t[1].output_hashes)
    EXPECT_EQ(std::count(t[2].prefix_hashes.begin(), t[2].prefix_hashes.end(), h), 0);
  EXPECT_EQ(t[2].prefix_types[8], TokenType::Response);
  EXPECT_EQ(t[2].prefix_types[10], TokenType::Tool);
}

// "tool:1, response:1" draws nothing: the requests equal those of the default (empty) setting.
TEST(SessionTypeReuse, KeepProbabilitiesOfOneChangeNothing) {
  std::map<std::string, ParamValue> base{{"kind", std::string("agent")},
                                         {"num_sessions", std::int64_t{20}},
                                         {"reasoning_tokens", 40.0}};
  const auto a = all(config_of(base), 5);
  base["type_reuse"] = std::string("tool:1, response:1, reasoning:1, user:1");
  const auto b = all(config_of(base), 5);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].arrival_ns, b[i].arrival_ns);
    EXPECT_EQ(a[i].prefix_hashes, b[i].prefix_hashes);
    EXPECT_EQ(a[i].output_hashes, b[i].output_hashes);
  }
}

// With "tool:0.3" a turn's whole prompt reappears at the start of the next turn only when its
// tool output was kept: in 30 % of the turns (binomial, ~1500 turns: sd 1.2 points).
TEST(SessionTypeReuse, TheKeptFractionOfToolOutputsIsTheirReuseProbability) {
  const auto c = config_of({{"kind", std::string("agent")},
                            {"type_reuse", std::string("tool:0.3")},
                            {"num_sessions", std::int64_t{300}},
                            {"turns_min", std::int64_t{6}},
                            {"turns_max", std::int64_t{6}}});
  std::map<std::uint64_t, std::vector<const Request*>> by_session;
  const auto reqs = all(c, 11);
  for (const auto& r : reqs) by_session[r.session].push_back(&r);
  int tool_turns = 0, kept = 0;
  for (const auto& [session, turns] : by_session)
    for (std::size_t k = 1; k + 1 < turns.size(); ++k) {  // turns 2.. whose prompt ends in a tool output
      const Request& a = *turns[k];
      const Request& b = *turns[k + 1];
      const std::size_t full = static_cast<std::size_t>(a.prompt_tokens / 16);
      ++tool_turns;
      // A dropped tool output can leave the next prompt shorter than this one: not kept.
      if (a.prefix_hashes.size() < full || b.prefix_hashes.size() < full) continue;
      kept += std::equal(a.prefix_hashes.begin(), a.prefix_hashes.begin() + full, b.prefix_hashes.begin());
    }
  ASSERT_GT(tool_turns, 1000);
  EXPECT_NEAR(static_cast<double>(kept) / tool_turns, 0.3, 0.04);
}

}  // namespace
}  // namespace xpusim::workload
