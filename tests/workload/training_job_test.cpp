#include "xpusim/workload/training_job.hpp"

#include <gtest/gtest.h>

namespace xpusim::workload {
namespace {

TrainingWorkloadConfig workload(std::map<std::string, ParamValue> given) {
  return TrainingWorkloadConfig::binding().from(given);
}

TEST(TrainingJobs, DrawsWithinRangesAndRepeatsPerSeed) {
  const TrainingWorkloadConfig p = workload({{"count", std::int64_t{50}},
                             {"arrival", std::string("poisson")},
                             {"mean_interarrival_s", 0.5},
                             {"gradient_mb_min", 1.0},
                             {"gradient_mb_max", 3.0},
                             {"iterations_min", std::int64_t{2}},
                             {"iterations_max", std::int64_t{5}}});
  const auto jobs = generate_training_jobs(p, 9);
  ASSERT_EQ(jobs.size(), 50u);
  double gaps = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    EXPECT_EQ(jobs[i].id, static_cast<std::int32_t>(i));
    EXPECT_GE(jobs[i].gradient_bytes, 1e6);
    EXPECT_LE(jobs[i].gradient_bytes, 3e6);
    EXPECT_GE(jobs[i].iterations, 2);
    EXPECT_LE(jobs[i].iterations, 5);
    EXPECT_EQ(jobs[i].compute_ns, 5'000'000);
    if (i > 0) {
      EXPECT_GE(jobs[i].arrival_ns, jobs[i - 1].arrival_ns);
      gaps += ns_to_seconds(jobs[i].arrival_ns - jobs[i - 1].arrival_ns);
    }
  }
  EXPECT_NEAR(gaps / 49, 0.5, 0.2);  // exponential gaps, mean 0.5 s; 49 samples
  const auto again = generate_training_jobs(p, 9);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    EXPECT_EQ(again[i].arrival_ns, jobs[i].arrival_ns);
    EXPECT_EQ(again[i].gradient_bytes, jobs[i].gradient_bytes);
  }
  EXPECT_NE(generate_training_jobs(p, 10)[1].arrival_ns, jobs[1].arrival_ns);
}

TEST(TrainingJobs, SimultaneousArrivalsStartAtZero) {
  for (const auto& j : generate_training_jobs(workload({{"count", std::int64_t{3}}}), 1))
    EXPECT_EQ(j.arrival_ns, 0);
}

TEST(TrainingJobs, InvertedRangesNameTheKey) {
  try {
    workload({{"iterations_min", std::int64_t{5}}, {"iterations_max", std::int64_t{4}}});
    FAIL();
  } catch (const ParamError& e) {
    EXPECT_EQ(e.key(), "iterations_max");
  }
}

TEST(TrainingJobs, TransportConvertsUnits) {
  const auto t =
      workload({{"loss_rate", 0.01}, {"retransmit_timeout_us", 150.0}, {"compute_jitter", 0.2}})
          .transport;
  EXPECT_DOUBLE_EQ(t.loss_rate, 0.01);
  EXPECT_EQ(t.retransmit_timeout_ns, 150'000);
  EXPECT_DOUBLE_EQ(t.compute_jitter, 0.2);
}

}  // namespace
}  // namespace xpusim::workload
