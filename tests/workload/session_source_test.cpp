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

// Closed loop: one session of three turns, fixed gap of 4 s. Each turn arrives exactly 4 s after
// the previous one finished (not after it arrived), and nothing is ready until then.
SessionSource::Config closed_one(std::int64_t sessions) {
  SessionSource::Config c;
  c.loop = SessionSource::Loop::Closed;
  c.session_rate_per_s = 0.01;
  c.num_sessions = sessions;
  c.turns_min = c.turns_max = 3;
  c.think_time_s = 4;
  c.think_sigma = 0;
  c.turn_time_s = 100;  // unused in closed mode
  return c;
}

TEST(SessionSource, ClosedLoopTurnArrivesTheGapAfterThePreviousTurnFinished) {
  SessionSource src(closed_one(1), 7);
  auto t1 = src.next();
  ASSERT_TRUE(t1);
  EXPECT_TRUE(t1->expects_followup);
  EXPECT_FALSE(src.next());  // turn 2 waits for turn 1 to finish
  const TimeNs f1 = t1->arrival_ns + seconds_to_ns(2.5);
  EXPECT_FALSE(src.request_finished(t1->id + 99, true, f1));  // unknown id: nothing
  EXPECT_TRUE(src.request_finished(t1->id, true, f1));
  auto t2 = src.next();
  ASSERT_TRUE(t2);
  EXPECT_EQ(t2->arrival_ns, f1 + seconds_to_ns(4.0));
  EXPECT_EQ(t2->id, 1u);
  EXPECT_EQ(t2->session, t1->session);
  EXPECT_FALSE(src.next());
  const TimeNs f2 = t2->arrival_ns + seconds_to_ns(0.75);
  EXPECT_TRUE(src.request_finished(t2->id, true, f2));
  auto t3 = src.next();
  ASSERT_TRUE(t3);
  EXPECT_EQ(t3->arrival_ns, f2 + seconds_to_ns(4.0));
  EXPECT_FALSE(t3->expects_followup);  // the last turn
  EXPECT_FALSE(src.request_finished(t3->id, true, t3->arrival_ns + 1));
  EXPECT_FALSE(src.next());
}

TEST(SessionSource, ClosedLoopRejectedTurnEndsItsSession) {
  SessionSource src(closed_one(1), 7);
  auto t1 = src.next();
  ASSERT_TRUE(t1);
  EXPECT_FALSE(src.request_finished(t1->id, false, t1->arrival_ns));
  EXPECT_FALSE(src.next());
}

// The feed holds session 2's first turn; session 1's second turn becomes ready earlier, so the
// feed gives session 2's back and the source emits them in arrival order with ids 1, 2.
TEST(SessionSource, ClosedLoopTakenBackTurnIsEmittedAgainInArrivalOrder) {
  SessionSource src(closed_one(2), 7);
  auto a = src.next();
  ASSERT_TRUE(a);
  auto b = src.next();  // session 2's first turn
  ASSERT_TRUE(b);
  ASSERT_EQ(b->session, 2u);
  ASSERT_GT(b->arrival_ns, a->arrival_ns + seconds_to_ns(4.0) + 1);  // rate 0.01/s: ~100 s apart
  EXPECT_TRUE(src.request_finished(a->id, true, a->arrival_ns + 1));
  const TimeNs b_arrival = b->arrival_ns;
  const auto b_prompt = b->prompt_tokens;
  src.take_back(std::move(*b));
  auto c = src.next();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->session, 1u);
  EXPECT_EQ(c->id, 1u);
  EXPECT_EQ(c->arrival_ns, a->arrival_ns + 1 + seconds_to_ns(4.0));
  auto d = src.next();
  ASSERT_TRUE(d);
  EXPECT_EQ(d->session, 2u);
  EXPECT_EQ(d->id, 2u);
  EXPECT_EQ(d->arrival_ns, b_arrival);
  EXPECT_EQ(d->prompt_tokens, b_prompt);
}

}  // namespace
}  // namespace xpusim::workload

namespace xpusim::workload {
namespace {

// Each turn's output units continue its prompt's (from the prompt's partial last unit); the
// next turn's prompt holds the same units when the output stays in context verbatim (agent;
// chat without reasoning) and none of them when chat drops the reasoning.
std::int64_t output_units_in_next_prompt(SessionSource::Config c, std::int64_t& total) {
  const auto reqs = all(c);
  std::map<std::uint64_t, std::vector<const Request*>> by_session;
  for (const auto& r : reqs) by_session[r.session].push_back(&r);
  std::int64_t shared = 0;
  total = 0;
  for (const auto& [session, turns] : by_session)
    for (std::size_t k = 0; k + 1 < turns.size(); ++k) {
      const Request& a = *turns[k];
      const Request& b = *turns[k + 1];
      const std::int64_t first = a.prompt_tokens / 16;
      const std::int64_t end = (std::int64_t{a.prompt_tokens} + a.output_tokens + 15) / 16;
      EXPECT_EQ(static_cast<std::int64_t>(a.output_hashes.size()), end - first);
      EXPECT_EQ(a.output_types.size(), a.output_hashes.size());
      for (std::int64_t u = first; u < end; ++u) {
        ++total;
        // A unit past the end of the next prompt (chat dropped the reasoning) is not shared.
        const auto at = static_cast<std::size_t>(u);
        shared += at < b.prefix_hashes.size() &&
                  a.output_hashes[static_cast<std::size_t>(u - first)] == b.prefix_hashes[at];
      }
    }
  return shared;
}

TEST(SessionSource, OutputUnitsAreTheNextPromptsUnitsWhenTheOutputStaysInContext) {
  std::int64_t total = 0;
  auto agent = small(SessionSource::Kind::Agent);
  agent.reasoning_tokens = 50;
  EXPECT_EQ(output_units_in_next_prompt(agent, total), total);
  EXPECT_GT(total, 0);
  auto chat = small(SessionSource::Kind::Chat);
  EXPECT_EQ(output_units_in_next_prompt(chat, total), total);
  EXPECT_GT(total, 0);
  chat.reasoning_tokens = 50;  // dropped from the next turn's context
  EXPECT_EQ(output_units_in_next_prompt(chat, total), 0);
  EXPECT_GT(total, 0);
}

TEST(SessionSource, OutputTypesAreReasoningThenResponse) {
  auto agent = small(SessionSource::Kind::Agent);
  agent.reasoning_tokens = 100;
  agent.response_tokens = 100;
  agent.length_sigma = 0;  // exactly 100 + 100 generated tokens
  for (const auto& r : all(agent)) {
    ASSERT_EQ(r.output_tokens, 200);
    const std::int64_t first = r.prompt_tokens / 16;
    for (std::size_t k = 0; k < r.output_types.size(); ++k) {
      const std::int64_t last = std::min<std::int64_t>((first + static_cast<std::int64_t>(k) + 1) * 16,
                                                       std::int64_t{r.prompt_tokens} + 200) - 1;
      EXPECT_EQ(r.output_types[k], last - r.prompt_tokens < 100 ? TokenType::Reasoning : TokenType::Response);
    }
  }
}

}  // namespace
}  // namespace xpusim::workload
