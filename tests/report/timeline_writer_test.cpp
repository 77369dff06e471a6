#include "xpusim/report/timeline_writer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "xpusim/core/error.hpp"

namespace xpusim::report {
namespace {

using nlohmann::json;

hw::DeviceSpec gpu() {
  hw::DeviceSpec s;
  s.idle_power_w = 100;
  s.max_power_w = 700;
  return s;
}

std::vector<json> events_with(const json& doc, const std::string& ph, int pid) {
  std::vector<json> out;
  for (const auto& e : doc.at("traceEvents"))
    if (e.at("ph") == ph && e.at("pid") == pid) out.push_back(e);
  return out;
}

std::string write_trace(std::ostringstream& os, TimelineOptions options = {}) {
  hw::Device a{0, "inst0.gpu0", gpu()};
  hw::Device b{1, "inst0.\"gpu1\"", gpu()};  // a name that needs JSON escaping
  TimelineWriter w(os, options);
  w.track(a);
  w.track(b);
  w.on_busy(a, 1500, 0.75, "prefill");
  w.on_busy(b, 2000, 1.0, "decode");
  w.on_busy(a, 3000, 0.5, "decode");  // closes the prefill span
  w.on_idle(a, 4000);
  w.on_idle(a, 4500);  // already idle: no event
  const std::string before_finish = os.str();
  // Streaming: the closed spans are already out, the open one on b is not.
  EXPECT_NE(before_finish.find("\"prefill\""), std::string::npos);
  EXPECT_EQ(before_finish.find("\"tid\":1,\"ts\""), std::string::npos);
  w.on_iteration(0, 1500, 4000, 3, 128);
  w.on_preemption(1, 0, 2500);
  systems::RequestRecord r;
  r.id = 1;
  r.instance = 0;
  r.arrival_ns = 1000;
  r.first_scheduled_ns = 1500;
  r.first_token_ns = 2000;
  r.finish_ns = 4000;
  w.on_request_done(r);
  r.id = 5000;  // beyond the track cap: not drawn
  w.on_request_done(r);
  w.finish(6000);  // b is still busy: its span ends here
  return os.str();
}

TEST(TimelineWriter, ParsesAsTraceWithExpectedEvents) {
  std::ostringstream os;
  const json doc = json::parse(write_trace(os));
  const auto device_spans = events_with(doc, "X", 1);
  ASSERT_EQ(device_spans.size(), 3u);
  EXPECT_EQ(device_spans[0].at("name"), "prefill");
  EXPECT_DOUBLE_EQ(device_spans[0].at("ts").get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(device_spans[0].at("dur").get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(device_spans[0].at("args").at("activity").get<double>(), 0.75);
  EXPECT_EQ(device_spans[1].at("name"), "decode");
  EXPECT_EQ(device_spans[1].at("tid"), 0);
  EXPECT_EQ(device_spans[2].at("tid"), 1);
  EXPECT_DOUBLE_EQ(device_spans[2].at("dur").get<double>(), 4.0);  // 2 us .. 6 us
  const auto names = events_with(doc, "M", 1);
  ASSERT_EQ(names.size(), 3u);  // process name + two threads
  EXPECT_EQ(names[2].at("args").at("name"), "inst0.\"gpu1\"");
  const auto iterations = events_with(doc, "X", 2);
  ASSERT_EQ(iterations.size(), 1u);
  EXPECT_EQ(iterations[0].at("args").at("prefill_tokens"), 128);
  const auto phases = events_with(doc, "X", 3);
  ASSERT_EQ(phases.size(), 3u);
  EXPECT_EQ(phases[0].at("name"), "queued");
  EXPECT_EQ(phases[1].at("name"), "prefill");
  EXPECT_EQ(phases[2].at("name"), "decode");
  EXPECT_DOUBLE_EQ(phases[2].at("dur").get<double>(), 2.0);
  EXPECT_EQ(events_with(doc, "i", 3).size(), 1u);  // the preemption mark
}

TEST(TimelineWriter, TimesKeepNanosecondPrecision) {
  std::ostringstream os;
  hw::Device a{3, "d", gpu()};
  TimelineWriter w(os, TimelineOptions{0, false});
  w.track(a);
  w.on_busy(a, 1'000'000'001, 1.0, "op");
  w.on_idle(a, 1'000'000'124);
  w.finish(2'000'000'000);
  EXPECT_NE(os.str().find("\"ts\":1000000.001,\"dur\":0.123"), std::string::npos) << os.str();
  EXPECT_NO_THROW(json::parse(os.str()));
}

TEST(TimelineWriter, IdenticalInputsGiveIdenticalBytes) {
  std::ostringstream a, b;
  EXPECT_EQ(write_trace(a), write_trace(b));
}

TEST(TimelineWriter, UntrackedDeviceAndLateEventsAreInvariantErrors) {
  std::ostringstream os;
  hw::Device a{0, "a", gpu()};
  TimelineWriter w(os);
  EXPECT_THROW(w.on_busy(a, 0, 1.0, "x"), InvariantError);
  w.track(a);
  EXPECT_THROW(w.track(a), Error);
  w.finish(10);
  EXPECT_THROW(w.on_iteration(0, 0, 1, 0, 0), InvariantError);
}

}  // namespace
}  // namespace xpusim::report
