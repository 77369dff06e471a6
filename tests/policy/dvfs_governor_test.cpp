// DVFS governors on hand-made dispatches: max, fixed (locked clock) and slack (slowest level
// whose remaining time fits the deadline of the iteration's class).
#include <gtest/gtest.h>

#include "xpusim/policy/dvfs/fixed_clock.hpp"
#include "xpusim/policy/dvfs/max_clock.hpp"
#include "xpusim/policy/dvfs/slack_governor.hpp"

namespace xpusim::policy {
namespace {

// Remaining work of 10 ms compute-bound at the top plus 2 ms fixed: 2 + 10 / clock ms.
class FakeDvfsView final : public DvfsView {
 public:
  DvfsRequest req;
  std::vector<hw::DvfsLevel> lv{{0.25, 0.6}, {0.5, 0.75}, {0.8, 0.9}, {1.0, 1.0}};
  const DvfsRequest& request() const override { return req; }
  const std::vector<hw::DvfsLevel>& levels() const override { return lv; }
  double remaining_ns(int level) const override { return 2e6 + 10e6 / lv[level].clock; }
};

TEST(DvfsGovernors, MaxPicksTheTopAndFixedTheSlowestLevelAtOrAboveItsClock) {
  FakeDvfsView v;
  EXPECT_EQ(MaxClockGovernor().level(v), 3);
  EXPECT_EQ(FixedClockGovernor({.clock = 0.5}).level(v), 1);
  EXPECT_EQ(FixedClockGovernor({.clock = 0.6}).level(v), 2);  // no 0.6 level: the next above
  EXPECT_EQ(FixedClockGovernor({.clock = 0.1}).level(v), 0);
  EXPECT_EQ(FixedClockGovernor({.clock = 1.0}).level(v), 3);
}

TEST(DvfsGovernors, SlackPicksTheSlowestLevelThatMeetsTheDecodeDeadline) {
  FakeDvfsView v;
  v.req.stage = Stage::Decode;
  v.req.cls = FlowClass::Reactive;
  v.req.opened_ns = 1'000'000;
  v.req.now = 5'000'000;  // 4 ms of the step gone
  // Deadline opened + 30 ms: 26 ms left. Remaining 2 + 10/c ms: c = 0.25 -> 42, 0.5 -> 22 (fits).
  SlackGovernor g({.reactive_ttft_slo_s = 1, .reactive_tbt_slo_s = 0.030,
                   .proactive_ttft_slo_s = 10, .proactive_tbt_slo_s = 0.5});
  EXPECT_EQ(g.level(v), 1);
  // 12 ms left: only the top level (2 + 10 = 12 ms) fits exactly.
  v.req.now = 19'000'000;
  EXPECT_EQ(g.level(v), 3);
  // Past the deadline: nothing fits, so the top level runs.
  v.req.now = 40'000'000;
  EXPECT_EQ(g.level(v), 3);
  // A proactive step has 0.5 s: the slowest level (42 ms) fits.
  v.req.cls = FlowClass::Proactive;
  EXPECT_EQ(g.level(v), 0);
}

TEST(DvfsGovernors, SlackPacesPrefillChunksAlongTheTtftTarget) {
  DvfsRequest r;
  r.stage = Stage::Prefill;
  r.cls = FlowClass::Reactive;
  r.turn_ready_ns = 2'000'000'000;
  r.prompt_tokens = 1000;
  r.prompt_done_after = 250;  // the first of four chunks: a quarter of the 0.8 s target
  SlackGovernor g({.reactive_ttft_slo_s = 0.8, .reactive_tbt_slo_s = 0.1,
                   .proactive_ttft_slo_s = 10, .proactive_tbt_slo_s = 0.5});
  EXPECT_EQ(g.deadline_ns(r), 2'200'000'000);
  r.cls = FlowClass::Proactive;
  EXPECT_EQ(g.deadline_ns(r), 4'500'000'000);
}

}  // namespace
}  // namespace xpusim::policy
