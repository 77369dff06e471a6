// `xpusim run --timeline` writes Chrome trace-event JSON that tools can load: every event well
// formed, one named track per device and one per request, spans inside the run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_test_support.hpp"

namespace xpusim::cli {
namespace {

namespace fs = std::filesystem;

TEST(TimelineOutput, IsTraceEventJsonWithOneTrackPerDeviceAndPerRequest) {
  const fs::path dir =
      fs::temp_directory_path() / ("xpusim_timeline_" + std::to_string(::getpid()));
  const auto o = testing::run_xpusim(
      "-q run configs/quickstart.yaml --set workload.num_requests=12 --set cluster.instances=2 "
      "--timeline -o " +
          (dir / "r").string(),
      dir);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const auto doc = nlohmann::json::parse(testing::slurp(dir / "r" / "timeline.json"));
  const auto summary = nlohmann::json::parse(testing::slurp(dir / "r" / "summary.json"));
  ASSERT_TRUE(doc.contains("traceEvents"));
  ASSERT_TRUE(doc["traceEvents"].is_array());

  std::map<int, std::string> process_names;
  std::map<int, std::map<std::int64_t, std::string>> threads;  // pid -> tid -> name
  std::set<std::pair<int, std::int64_t>> used;
  std::map<int, std::map<std::string, std::vector<double>>> counters;  // pid -> track -> values
  const double end_us = summary["makespan_s"].get<double>() * 1e6;
  for (const auto& e : doc["traceEvents"]) {
    // Fields every trace-event consumer needs.
    ASSERT_TRUE(e.contains("ph") && e.contains("pid") && e.contains("tid") && e.contains("name"))
        << e;
    const std::string ph = e["ph"];
    const int pid = e["pid"];
    const std::int64_t tid = e["tid"];
    if (ph == "M") {
      if (e["name"] == "process_name") process_names[pid] = e["args"]["name"];
      if (e["name"] == "thread_name") threads[pid][tid] = e["args"]["name"];
      continue;
    }
    if (ph == "C") {  // counter samples: a numeric value inside the run
      ASSERT_TRUE(e["args"]["value"].is_number()) << e;
      EXPECT_LE(e["ts"].get<double>(), end_us + 1e-3) << e;
      counters[pid][e["name"]].push_back(e["args"]["value"].get<double>());
      continue;
    }
    ASSERT_TRUE(ph == "X" || ph == "i") << e;
    ASSERT_TRUE(e["ts"].is_number()) << e;
    EXPECT_GE(e["ts"].get<double>(), 0.0);
    if (ph == "X") {
      EXPECT_GE(e["dur"].get<double>(), 0.0) << e;
      EXPECT_LE(e["ts"].get<double>() + e["dur"].get<double>(), end_us + 1e-3) << e;
    }
    used.insert({pid, tid});
  }
  EXPECT_EQ(process_names[1], "devices");
  EXPECT_EQ(process_names[3], "requests");
  // One track per device: the summary's devices, by name.
  std::set<std::string> device_tracks, devices;
  for (const auto& [tid, name] : threads[1]) device_tracks.insert(name);
  for (auto it = summary["utilization"].begin(); it != summary["utilization"].end(); ++it)
    devices.insert(it.key());
  EXPECT_EQ(device_tracks, devices);
  EXPECT_EQ(devices.size(), 2u);
  // One track per request, each with at least one span.
  EXPECT_EQ(threads[3].size(), 12u);
  for (const auto& [tid, name] : threads[3]) {
    EXPECT_EQ(name, "request " + std::to_string(tid));
    EXPECT_TRUE(used.count({3, tid})) << name << " has no span";
  }
  // Counter tracks: per device power, per instance batch size, KV blocks and queue. With 12
  // requests no batch or queue can exceed 12; a busy device draws more than an idle one.
  for (const auto& dev : devices) {
    const auto& power = counters[1][dev + " power (W)"];
    ASSERT_GE(power.size(), 2u) << dev;
    EXPECT_GT(*std::max_element(power.begin(), power.end()),
              *std::min_element(power.begin(), power.end()));
  }
  for (const std::string inst : {"inst0 ", "inst1 "}) {
    for (const std::string track : {"batch size", "KV blocks used", "queue length"}) {
      const auto& v = counters[2][inst + track];
      ASSERT_FALSE(v.empty()) << inst << track;
      for (double x : v) EXPECT_GE(x, 0.0) << inst << track;
      if (track != "KV blocks used")
        for (double x : v) EXPECT_LE(x, 12.0) << inst << track;
    }
  }
  // Every span sits on a named track.
  for (const auto& [pid, tid] : used) EXPECT_TRUE(threads[pid].count(tid)) << pid << "/" << tid;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace xpusim::cli
