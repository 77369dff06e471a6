#include "xpusim/report/junit_report.hpp"

#include "xpusim/report/text_format.hpp"

namespace xpusim::report {

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 allows no control characters but tab, newline and carriage return.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') out += '?';
        else out += c;
    }
  }
  return out;
}

void write_junit(std::ostream& out, const std::string& suite, const std::vector<JUnitCase>& cases) {
  std::size_t failures = 0, errors = 0;
  double total = 0;
  for (const auto& c : cases) {
    failures += c.failed ? 1 : 0;
    errors += c.error ? 1 : 0;
    total += c.seconds;
  }
  const std::string name = xml_escape(suite);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"" << name << "\" tests=\"" << cases.size() << "\" failures=\""
      << failures << "\" errors=\"" << errors << "\" time=\"" << format_fixed(total, 3) << "\">\n"
      << "  <testsuite name=\"" << name << "\" tests=\"" << cases.size() << "\" failures=\""
      << failures << "\" errors=\"" << errors << "\" time=\"" << format_fixed(total, 3)
      << "\">\n";
  for (const auto& c : cases) {
    out << "    <testcase classname=\"" << name << "\" name=\"" << xml_escape(c.name)
        << "\" time=\"" << format_fixed(c.seconds, 3) << "\"";
    if (!c.failed && !c.error) {
      out << "/>\n";
      continue;
    }
    const char* tag = c.error ? "error" : "failure";
    out << ">\n      <" << tag << " message=\"" << xml_escape(c.message) << "\">"
        << xml_escape(c.details) << "</" << tag << ">\n    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace xpusim::report
