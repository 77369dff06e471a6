#include "xpusim/report/session_metrics.hpp"

#include <gtest/gtest.h>

namespace xpusim::report {
namespace {

workload::Request arrival(std::uint64_t id, std::uint64_t session, bool followup) {
  workload::Request r;
  r.id = id;
  r.session = session;
  r.expects_followup = followup;
  return r;
}

systems::RequestRecord done(std::uint64_t id, std::uint64_t session, double finish_s,
                            systems::RequestOutcome outcome = systems::RequestOutcome::Completed) {
  systems::RequestRecord r;
  r.id = id;
  r.session = session;
  r.outcome = outcome;
  r.finish_ns = outcome == systems::RequestOutcome::Completed ? seconds_to_ns(finish_s) : -1;
  return r;
}

TEST(SessionMetrics, JctIsLastFinishLessFirstArrivalOverCompleteSessionsOnly) {
  SessionMetrics m;
  EXPECT_FALSE(m.any());
  // Session 1: turns at 0 s (finishes 2 s) and 5 s (its last, finishes 7.5 s): JCT 7.5 s.
  m.on_arrival(arrival(0, 1, true), seconds_to_ns(0));
  // Session 2: one turn, 1 s -> 4 s: JCT 3 s.
  m.on_arrival(arrival(1, 2, false), seconds_to_ns(1));
  // Session 3: its first turn finishes, its next never arrives: incomplete.
  m.on_arrival(arrival(2, 3, true), seconds_to_ns(1.5));
  m.on_request_done(done(0, 1, 2));
  m.on_request_done(done(2, 3, 3));
  m.on_request_done(done(1, 2, 4));
  m.on_arrival(arrival(3, 1, false), seconds_to_ns(5));
  // Session 4: its only turn is rejected: incomplete. Session 5: its last turn never finishes.
  m.on_arrival(arrival(4, 4, false), seconds_to_ns(6));
  m.on_request_done(done(4, 4, 0, systems::RequestOutcome::Rejected));
  m.on_arrival(arrival(5, 5, false), seconds_to_ns(6.5));
  m.on_request_done(done(3, 1, 7.5));
  // A request without a session is not counted.
  m.on_arrival(arrival(6, 0, false), seconds_to_ns(7));
  m.on_request_done(done(6, 0, 8));
  ASSERT_TRUE(m.any());
  const nlohmann::json s = m.summary();
  EXPECT_EQ(s["sessions"], 5);
  EXPECT_EQ(s["complete"], 2);
  EXPECT_EQ(s["incomplete"], 3);
  EXPECT_DOUBLE_EQ(s["jct_s"]["mean"].get<double>(), (7.5 + 3.0) / 2);
  EXPECT_DOUBLE_EQ(s["jct_s"]["p50"].get<double>(), 3.0);  // nearest rank 1 of 2
  EXPECT_DOUBLE_EQ(s["jct_s"]["p99"].get<double>(), 7.5);
  EXPECT_EQ(s["jct_s"]["count"], 2);
  EXPECT_DOUBLE_EQ(s["turns"]["mean"].get<double>(), 1.5);
}

TEST(SessionMetrics, NoCompleteSessionGivesNullJct) {
  SessionMetrics m;
  m.on_arrival(arrival(0, 7, true), 0);
  const nlohmann::json s = m.summary();
  EXPECT_EQ(s["complete"], 0);
  EXPECT_TRUE(s["jct_s"]["mean"].is_null());
  EXPECT_TRUE(s["jct_s"]["p99"].is_null());
}

}  // namespace
}  // namespace xpusim::report
