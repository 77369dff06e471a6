#pragma once
// JUnit XML (the <testsuites> dialect CI systems read: GitLab, Jenkins, GitHub test reporters)
// for `xpusim regress --junit FILE`: one <testcase> per regression case, a <failure> with the
// metrics out of tolerance, an <error> when the case could not run.
//
// Contract: text is XML-escaped (& < > " ' and control characters other than tab/newline are
// replaced), so any message makes a well-formed document; times are wall seconds (3 decimals),
// the only non-reproducible bytes.
#include <ostream>
#include <string>
#include <vector>

namespace xpusim::report {

struct JUnitCase {
  std::string name;       // the case file
  double seconds = 0;
  bool failed = false;    // metrics out of tolerance
  bool error = false;     // the case did not run (bad input)
  std::string message;    // one line
  std::string details;    // the full text (e.g. every metric out of tolerance)
};

void write_junit(std::ostream& out, const std::string& suite, const std::vector<JUnitCase>& cases);

// `text` with XML's special characters as entities (tested).
std::string xml_escape(const std::string& text);

}  // namespace xpusim::report
