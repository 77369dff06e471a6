#include "xpusim/report/ina_metrics.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace xpusim::report {
namespace {

systems::InaJobRecord job(std::int32_t id, TimeNs arrival, TimeNs finish) {
  systems::InaJobRecord r;
  r.job = id;
  r.arrival_ns = arrival;
  r.finish_ns = finish;
  r.workers = 2;
  r.iterations = 3;
  r.iterations_done = finish >= 0 ? 3 : 1;
  r.packets_per_iteration = 10;
  r.gradient_bytes = 2560;
  r.contributions = 60;
  r.in_switch_contributions = 40;
  r.fallback_packets = 14;
  r.evicted_partials = 3;
  r.evicted_contributions = 6;
  return r;
}

TEST(InaMetrics, TimeWeightedUtilizationPerBinAndOverall) {
  InaMetrics m(4, 320, 10);
  m.on_slots_changed(0, 2, 1);
  m.on_slots_changed(15, 4, 0);
  m.finish(20);
  const auto s = m.summary();
  // occupied: 2 slots for 15 ns + 4 slots for 5 ns = 50 slot-ns of 4 x 20.
  EXPECT_DOUBLE_EQ(s["switch_memory"]["mean_utilization"].get<double>(), 50.0 / 80.0);
  EXPECT_DOUBLE_EQ(s["switch_memory"]["mean_aggregating_utilization"].get<double>(), 15.0 / 80.0);
  EXPECT_EQ(s["switch_memory"]["peak_occupied_slots"], 4);
  std::ostringstream csv;
  m.write_memory_csv(csv);
  EXPECT_EQ(csv.str(),
            "time_s,occupied_slots,aggregating_slots,utilization\n"
            "0.000000000,2.000,1.000,0.500000\n"
            "0.000000010,3.000,0.500,0.750000\n");
}

TEST(InaMetrics, JctOverCompletedJobsAndTrafficOverAll) {
  InaMetrics m(4, 320, 1000);
  m.on_job_finished(job(1, 100, 1100));
  m.on_job_finished(job(0, 0, 3000));
  m.on_job_unfinished(job(2, 50, -1));
  m.finish(4000);
  const auto s = m.summary();
  EXPECT_EQ(s["jobs"]["completed"], 2);
  EXPECT_EQ(s["jobs"]["unfinished"], 1);
  EXPECT_DOUBLE_EQ(s["jct_s"]["mean"].get<double>(), 2000e-9);
  EXPECT_EQ(s["jct_s"]["count"], 2);
  EXPECT_EQ(s["traffic"]["worker_packets"], 180);
  EXPECT_DOUBLE_EQ(s["traffic"]["in_switch_fraction"].get<double>(), 120.0 / 180.0);
  EXPECT_DOUBLE_EQ(s["traffic"]["fallback_bytes"].get<double>(), (42.0 + 9.0) * 320.0);
  std::ostringstream csv;
  m.write_jobs_csv(csv);
  std::istringstream lines(csv.str());
  std::string header, first, second, third;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  std::getline(lines, third);
  EXPECT_EQ(first.rfind("0,0.000000000,0.000003000,0.000003000,2,3,3,2560,10,60,40,14,3,6,0", 0),
            0u)
      << first;
  EXPECT_EQ(second.rfind("1,0.000000100,0.000001100,0.000001000,", 0), 0u) << second;
  EXPECT_EQ(third.rfind("2,0.000000050,,,2,3,1,", 0), 0u) << third;
}

}  // namespace
}  // namespace xpusim::report
