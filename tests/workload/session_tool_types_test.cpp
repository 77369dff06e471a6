// Agent tool types (workload.tool_types): each continuing turn calls one drawn type, the gap
// before the next turn is that type's duration, and every turn names its program's start.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "xpusim/workload/session_source.hpp"

namespace xpusim::workload {
namespace {

SessionSource::Config config_of(std::map<std::string, ParamValue> given) {
  given.emplace("session_rate_per_s", 1.0);
  return SessionSource::binding().from(given);
}

// Open loop with no assumed service time and no spread: the gap after a turn is exactly the
// mean of the tool type it called (1 s or 100 s), so the types can be read off the arrivals.
TEST(SessionToolTypes, TheGapAfterATurnIsItsToolsDuration) {
  SessionSource::Config c = config_of({{"kind", std::string("agent")},
                                       {"tool_types", std::string("fast:1, slow:100:3")},
                                       {"tool_time_spread", 0.0},
                                       {"turn_time_s", 0.0},
                                       {"num_sessions", std::int64_t{40}},
                                       {"turns_min", std::int64_t{4}},
                                       {"turns_max", std::int64_t{4}}});
  ASSERT_EQ(c.tools.size(), 2u);
  EXPECT_EQ(c.tools[1].name, "slow");
  EXPECT_DOUBLE_EQ(c.tools[1].weight, 3.0);
  SessionSource src(c, 3);
  std::map<std::uint64_t, Request> last;   // by session
  std::map<std::uint64_t, TimeNs> first;  // first arrival by session
  std::map<std::int32_t, int> calls;
  while (auto r = src.next()) {
    if (!first.count(r->session)) first[r->session] = r->arrival_ns;
    EXPECT_EQ(r->program_arrival_ns, first[r->session]);
    if (auto it = last.find(r->session); it != last.end()) {
      const double mean = it->second.tool_type == 0 ? 1.0 : 100.0;
      EXPECT_NEAR(ns_to_seconds(r->arrival_ns - it->second.arrival_ns), mean, 1e-6);
    }
    if (r->expects_followup) {
      ASSERT_GE(r->tool_type, 0);
      ++calls[r->tool_type];
    } else {
      EXPECT_EQ(r->tool_type, -1);  // the last turn calls no tool
    }
    last[r->session] = *r;
  }
  // 120 calls with weights 1:3: both types drawn, slow about three times as often.
  EXPECT_EQ(calls[0] + calls[1], 120);
  EXPECT_GT(calls[0], 15);
  EXPECT_GT(calls[1], 2 * calls[0]);
}

// Without tool types nothing changes: no turn names a tool.
TEST(SessionToolTypes, UntypedAgentsCallNoTypedTool) {
  SessionSource src(config_of({{"kind", std::string("agent")}, {"num_sessions", std::int64_t{5}}}), 1);
  while (auto r = src.next()) EXPECT_EQ(r->tool_type, -1);
}

TEST(SessionToolTypes, MalformedListsNameTheKey) {
  auto message = [](const std::string& text, const std::string& kind = "agent") {
    try {
      config_of({{"kind", kind}, {"tool_types", text}});
    } catch (const ParamError& e) {
      return e.key() + ": " + e.what();
    }
    return std::string("none");
  };
  EXPECT_NE(message("search").find("tool_types"), std::string::npos);
  EXPECT_NE(message("search:0").find("name:mean_s"), std::string::npos);
  EXPECT_NE(message("search:2:x").find("name:mean_s"), std::string::npos);
  EXPECT_NE(message(":2").find("name:mean_s"), std::string::npos);
  EXPECT_NE(message("a:1,a:2").find("listed twice"), std::string::npos);
  EXPECT_NE(message("a:1", "chat").find("kind: agent"), std::string::npos);
  EXPECT_EQ(message("a:1, b:2.5:0.5"), "none");
}

}  // namespace
}  // namespace xpusim::workload
