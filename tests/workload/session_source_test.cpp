#include "xpusim/workload/session_source.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace xpusim::workload {
namespace {

std::vector<Request> all(SessionSource::Config c, std::uint64_t seed = 1) {
  SessionSource src(c, seed);
  std::vector<Request> out;
  while (auto r = src.next()) out.push_back(std::move(*r));
  return out;
}

SessionSource::Config small(SessionSource::Kind kind) {
  SessionSource::Config c;
  c.kind = kind;
  c.session_rate_per_s = 2;
  c.num_sessions = 30;
  c.system_prompts = 2;
  c.system_prompt_tokens = 64;
  return c;
}

TEST(SessionSource, EachTurnExtendsThePreviousTurnsPromptAndOnlyTheLastStops) {
  for (auto kind : {SessionSource::Kind::Chat, SessionSource::Kind::Agent}) {
    const auto reqs = all(small(kind));
    std::map<std::uint64_t, std::vector<const Request*>> by_session;
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      EXPECT_EQ(reqs[i].id, i);
      if (i > 0) EXPECT_GE(reqs[i].arrival_ns, reqs[i - 1].arrival_ns);
      EXPECT_EQ(reqs[i].prefix_hashes.size(), static_cast<std::size_t>((reqs[i].prompt_tokens + 15) / 16));
      EXPECT_EQ(reqs[i].prefix_types.size(), reqs[i].prefix_hashes.size());
      by_session[reqs[i].session].push_back(&reqs[i]);
    }
    EXPECT_EQ(by_session.size(), 30u);
    for (const auto& [session, turns] : by_session) {
      ASSERT_GE(turns.size(), 2u);
      for (std::size_t k = 1; k < turns.size(); ++k) {
        const Request& a = *turns[k - 1];
        const Request& b = *turns[k];
        // Every full unit of the earlier prompt reappears at the start of the later one.
        const std::size_t full = static_cast<std::size_t>(a.prompt_tokens / 16);
        EXPECT_GT(b.prompt_tokens, a.prompt_tokens + a.output_tokens / 2);
        EXPECT_TRUE(std::equal(a.prefix_hashes.begin(), a.prefix_hashes.begin() + full, b.prefix_hashes.begin()));
        EXPECT_TRUE(a.expects_followup);
      }
      EXPECT_FALSE(turns.back()->expects_followup);
      EXPECT_EQ(turns.front()->prefix_types.front(), TokenType::System);
    }
  }
}

TEST(SessionSource, SessionsWithTheSameSystemPromptShareItsUnitsOnly) {
  const auto reqs = all(small(SessionSource::Kind::Chat));
  // Unit 0..3 are the 64-token system prompt: at most 2 distinct first units across sessions;
  // the first non-system unit is each session's own.
  std::map<std::uint64_t, int> first_units, fifth_units;
  for (const auto& r : reqs) {
    ++first_units[r.prefix_hashes[0]];
    if (r.prefix_hashes.size() > 4) ++fifth_units[r.prefix_hashes[4]];
  }
  EXPECT_LE(first_units.size(), 2u);
  std::map<std::uint64_t, std::uint64_t> owner;
  for (const auto& r : reqs)
    if (r.prefix_hashes.size() > 4) {
      auto [it, fresh] = owner.emplace(r.prefix_hashes[4], r.session);
      EXPECT_EQ(it->second, r.session);
    }
}

TEST(SessionSource, AgentsKeepReasoningAndToolOutputChatDropsReasoning) {
  auto count_types = [](const std::vector<Request>& reqs) {
    std::map<TokenType, int> n;
    for (const auto& r : reqs)
      for (TokenType t : r.prefix_types) ++n[t];
    return n;
  };
  auto chat = small(SessionSource::Kind::Chat);
  chat.reasoning_tokens = 100;
  auto agent = small(SessionSource::Kind::Agent);
  agent.reasoning_tokens = 100;
  const auto c = count_types(all(chat));
  const auto a = count_types(all(agent));
  EXPECT_EQ(c.count(TokenType::Reasoning), 0u);
  EXPECT_EQ(c.count(TokenType::Tool), 0u);
  EXPECT_GT(a.at(TokenType::Reasoning), 0);
  EXPECT_GT(a.at(TokenType::Tool), 0);
}

TEST(SessionSource, SameSeedSameRequests) {
  const auto a = all(small(SessionSource::Kind::Agent), 7);
  const auto b = all(small(SessionSource::Kind::Agent), 7);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].arrival_ns, b[i].arrival_ns);
    EXPECT_EQ(a[i].prefix_hashes, b[i].prefix_hashes);
  }
}

}  // namespace
}  // namespace xpusim::workload
