// Hand-checked formatting of the progress estimate and of JUnit text.
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

#include "xpusim/report/junit_report.hpp"
#include "xpusim/report/progress_meter.hpp"

namespace xpusim::report {
namespace {

TEST(ProgressMeter, FormatsDurations) {
  EXPECT_EQ(ProgressMeter::format_duration(0.4), "0s");
  EXPECT_EQ(ProgressMeter::format_duration(59.6), "1m00s");
  EXPECT_EQ(ProgressMeter::format_duration(185), "3m05s");
  EXPECT_EQ(ProgressMeter::format_duration(3725), "1h02m");
  EXPECT_EQ(ProgressMeter::format_duration(-1), "?");
}

// Disabled, it never reports; for logs, a line names the run, the percentage and the detail.
TEST(ProgressMeter, LineFormatAndDisabled) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressMeter off({.enabled = false}, "x", f);
    EXPECT_FALSE(off.due());
    off.report(0.5, "never");
    ProgressMeter on({.enabled = true, .bar = false, .every_s = 0}, "run1", f);
    EXPECT_TRUE(on.due());
    on.report(0.25, "1/4 jobs");
  }
  std::rewind(f);
  char buf[256] = {};
  ASSERT_NE(std::fgets(buf, sizeof buf, f), nullptr);
  std::fclose(f);
  const std::string line = buf;
  EXPECT_EQ(line.rfind("progress run1: 25.0% (1/4 jobs), ", 0), 0u) << line;
  EXPECT_NE(line.find(" left\n"), std::string::npos) << line;
}

TEST(JUnit, EscapesAndCounts) {
  EXPECT_EQ(xml_escape("a<b>&\"c'\x01"), "a&lt;b&gt;&amp;&quot;c&apos;?");
  std::ostringstream out;
  write_junit(out, "s", {{"ok.yaml", 1.5, false, false, "", ""},
                         {"bad.yaml", 0.25, true, false, "m", "d<"}});
  const std::string xml = out.str();
  EXPECT_NE(xml.find("tests=\"2\" failures=\"1\" errors=\"0\" time=\"1.750\""), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"s\" name=\"ok.yaml\" time=\"1.500\"/>"),
            std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure message=\"m\">d&lt;</failure>"), std::string::npos) << xml;
}

}  // namespace
}  // namespace xpusim::report
