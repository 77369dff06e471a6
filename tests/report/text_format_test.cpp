#include "xpusim/report/text_format.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

namespace xpusim::report {
namespace {

template <typename F>
std::string str(F&& f) {
  std::ostringstream os;
  f(os);
  return os.str();
}

TEST(TextFormat, NanosecondsPrintExactly) {
  EXPECT_EQ(str([](auto& o) { write_ns_as_seconds(o, 1'500'000'001); }), "1.500000001");
  EXPECT_EQ(str([](auto& o) { write_ns_as_seconds(o, 0); }), "0.000000000");
  EXPECT_EQ(str([](auto& o) { write_ns_as_seconds(o, -5); }), "-0.000000005");
  EXPECT_EQ(str([](auto& o) { write_ns_as_micros(o, 1500); }), "1.500");
  EXPECT_EQ(str([](auto& o) { write_ns_as_micros(o, std::numeric_limits<TimeNs>::min()); }),
            "-9223372036854775.808");
}

TEST(TextFormat, FixedAndEscaping) {
  EXPECT_EQ(format_fixed(0.1, 3), "0.100");
  EXPECT_EQ(format_fixed(1e20, 1), "100000000000000000000.0");
  EXPECT_EQ(format_fixed(std::nan(""), 3), "");
  EXPECT_EQ(str([](auto& o) { write_csv_cell(o, "plain"); }), "plain");
  EXPECT_EQ(str([](auto& o) { write_csv_cell(o, "a,\"b\""); }), "\"a,\"\"b\"\"\"");
  EXPECT_EQ(str([](auto& o) { write_json_string(o, "q\"\\\n"); }), "\"q\\\"\\\\\\u000a\"");
}

}  // namespace
}  // namespace xpusim::report
