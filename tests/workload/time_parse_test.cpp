#include "xpusim/workload/time_parse.hpp"

#include <gtest/gtest.h>

namespace xpusim::workload {
namespace {

// Epoch seconds below come from `date -u -d '...' +%s`, not from the code under test.
constexpr TimeNs kNov16 = 1'700'158'546LL * kNsPerS;  // 2023-11-16 18:15:46 UTC

TEST(ParseTimestamp, AzureSevenDigitFractionIsExact) {
  EXPECT_EQ(parse_timestamp_ns("2023-11-16 18:15:46.6805900"), kNov16 + 680'590'000);
  EXPECT_EQ(parse_timestamp_ns("2023-11-16 18:15:46.0000001"), kNov16 + 100);
}

TEST(ParseTimestamp, AnyFractionLengthUpToNine) {
  EXPECT_EQ(parse_timestamp_ns("2023-11-16 18:15:46"), kNov16);
  EXPECT_EQ(parse_timestamp_ns("2023-11-16 18:15:46.5"), kNov16 + 500'000'000);
  EXPECT_EQ(parse_timestamp_ns("2023-11-16 18:15:46.123456"), kNov16 + 123'456'000);
  EXPECT_EQ(parse_timestamp_ns("2023-11-16 18:15:46.123456789"), kNov16 + 123'456'789);
  EXPECT_FALSE(parse_timestamp_ns("2023-11-16 18:15:46.1234567891"));
  EXPECT_FALSE(parse_timestamp_ns("2023-11-16 18:15:46."));
}

TEST(ParseTimestamp, UtcOffsetsAndSeparators) {
  EXPECT_EQ(parse_timestamp_ns("2023-11-16T18:15:46Z"), kNov16);
  EXPECT_EQ(parse_timestamp_ns("2023-11-16 18:15:46.25+00:00"), kNov16 + 250'000'000);
  EXPECT_EQ(parse_timestamp_ns("2023-11-16 19:15:46+01:00"), kNov16);
  EXPECT_EQ(parse_timestamp_ns("2023-11-16 17:45:46-0030"), kNov16);
  EXPECT_FALSE(parse_timestamp_ns("2023-11-16 18:15:46 UTC"));
}

TEST(ParseTimestamp, CalendarEdges) {
  EXPECT_EQ(parse_timestamp_ns("2024-02-29 23:59:59"), 1'709'251'199LL * kNsPerS);
  EXPECT_EQ(parse_timestamp_ns("2000-03-01 00:00:00"), 951'868'800LL * kNsPerS);
  EXPECT_EQ(parse_timestamp_ns("1969-12-31 23:59:59"), -kNsPerS);
  EXPECT_EQ(parse_timestamp_ns("1970-01-01 00:00:00"), 0);
  EXPECT_FALSE(parse_timestamp_ns("2023-02-29 00:00:00"));  // not a leap year
  EXPECT_FALSE(parse_timestamp_ns("2023-13-01 00:00:00"));
  EXPECT_FALSE(parse_timestamp_ns("2023-04-31 00:00:00"));
  EXPECT_FALSE(parse_timestamp_ns("2023-11-16 24:00:00"));
  EXPECT_FALSE(parse_timestamp_ns("2023-11-16 18:60:00"));
  EXPECT_FALSE(parse_timestamp_ns("2300-01-01 00:00:00"));  // past int64 nanoseconds
  EXPECT_FALSE(parse_timestamp_ns("23-11-16 18:15:46"));
  EXPECT_FALSE(parse_timestamp_ns(""));
}

TEST(ParseSeconds, DecimalFormsAreExact) {
  EXPECT_EQ(parse_seconds_ns("0"), 0);
  EXPECT_EQ(parse_seconds_ns("12"), 12 * kNsPerS);
  EXPECT_EQ(parse_seconds_ns("1.5"), 1'500'000'000);
  EXPECT_EQ(parse_seconds_ns(".25"), 250'000'000);
  EXPECT_EQ(parse_seconds_ns("7."), 7 * kNsPerS);
  EXPECT_EQ(parse_seconds_ns("0.000000001"), 1);
  EXPECT_EQ(parse_seconds_ns("123456.123456789"), 123'456'123'456'789);
  EXPECT_EQ(parse_seconds_ns("-3"), -3 * kNsPerS);
}

TEST(ParseSeconds, ExponentsAndRounding) {
  EXPECT_EQ(parse_seconds_ns("1e-05"), 10'000);  // Python's repr of 0.00001
  EXPECT_EQ(parse_seconds_ns("2.5E3"), 2'500 * kNsPerS);
  EXPECT_EQ(parse_seconds_ns("0.30000000000000004"), 300'000'000);
  EXPECT_EQ(parse_seconds_ns("0.0000000015"), 2);  // half rounds away from zero
  EXPECT_EQ(parse_seconds_ns("0.0000000014999"), 1);
  EXPECT_EQ(parse_seconds_ns("1e-20"), 0);
  EXPECT_EQ(parse_seconds_ns("5e-10"), 1);
}

TEST(ParseSeconds, RejectsNonNumbersAndOverflow) {
  for (const char* bad : {"", "abc", "1.2.3", "nan", "inf", "1e", "--1", "1,5", " 1", "0x10", "."})
    EXPECT_FALSE(parse_seconds_ns(bad)) << bad;
  EXPECT_FALSE(parse_seconds_ns("9300000000"));  // 9.3e9 s exceeds int64 ns
  EXPECT_FALSE(parse_seconds_ns("1e300"));
  EXPECT_TRUE(parse_seconds_ns("9000000000"));
}

}  // namespace
}  // namespace xpusim::workload
