#include "xpusim/report/text_format.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace xpusim::report {
namespace {

// Writes |ns| split into an integer part and a zero-padded fraction of `digits` digits.
// Hand-rolled with to_chars: this runs once per request and per timeline event, and printf's
// format parsing dominated the profile.
void write_scaled(std::ostream& out, TimeNs ns, TimeNs unit, int digits) {
  // Work in unsigned so that INT64_MIN has a magnitude too.
  const bool negative = ns < 0;
  const auto magnitude =
      negative ? static_cast<unsigned long long>(-(ns + 1)) + 1ULL : static_cast<unsigned long long>(ns);
  const auto u = static_cast<unsigned long long>(unit);
  char buf[48];
  char* p = buf;
  if (negative) *p++ = '-';
  p = std::to_chars(p, buf + sizeof buf, magnitude / u).ptr;
  *p++ = '.';
  unsigned long long frac = magnitude % u;
  for (int i = digits - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  p += digits;
  out.write(buf, p - buf);
}

}  // namespace

void write_ns_as_seconds(std::ostream& out, TimeNs ns) { write_scaled(out, ns, kNsPerS, 9); }

void write_ns_as_micros(std::ostream& out, TimeNs ns) { write_scaled(out, ns, kNsPerUs, 3); }

std::string format_fixed(double value, int decimals) {
  if (!std::isfinite(value)) return {};
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  if (n < 0) return {};
  if (static_cast<std::size_t>(n) < sizeof buf) return std::string(buf, static_cast<std::size_t>(n));
  std::string big(static_cast<std::size_t>(n) + 1, '\0');
  std::snprintf(big.data(), big.size(), "%.*f", decimals, value);
  big.resize(static_cast<std::size_t>(n));
  return big;
}

void write_csv_cell(std::ostream& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out << text;
    return;
  }
  out << '"';
  for (char c : text) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

void write_json_string(std::ostream& out, std::string_view text) {
  out << '"';
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out << '\\' << c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out << buf;
    } else {
      out << c;
    }
  }
  out << '"';
}

}  // namespace xpusim::report
