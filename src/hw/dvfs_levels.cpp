#include "xpusim/hw/dvfs_levels.hpp"

#include <cstdio>
#include <cstdlib>

#include "xpusim/core/param_binding.hpp"

namespace xpusim::hw {
namespace {

std::string trimmed(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

// A number in (0, 1] filling the whole of `text`, or a negative value when it is not one.
double fraction_of(const std::string& text) {
  if (text.empty()) return -1;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  // At least 0.01: slower clocks would stretch operator times past the int64-ns horizon.
  if (end != text.c_str() + text.size() || !(v >= 0.01 && v <= 1)) return -1;
  return v;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::vector<DvfsLevel> parse_dvfs_levels(const std::string& text, const std::string& key) {
  std::vector<DvfsLevel> out;
  if (trimmed(text).empty()) return out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = trimmed(text.substr(start, comma - start));
    const std::size_t colon = item.find(':');
    const double clock = colon == std::string::npos ? -1 : fraction_of(trimmed(item.substr(0, colon)));
    const double volt = colon == std::string::npos ? -1 : fraction_of(trimmed(item.substr(colon + 1)));
    if (clock < 0 || volt < 0)
      throw ParamError(key, "'" + item +
                                "' is not a level clock:voltage with both in [0.01, 1] (expected a "
                                "comma-separated list such as 0.5:0.75,0.75:0.875,1:1; empty = "
                                "one level, the top)");
    if (!out.empty() && clock <= out.back().clock)
      throw ParamError(key, "level clocks must rise strictly: " + number(clock) + " follows " +
                                number(out.back().clock));
    if (!out.empty() && volt < out.back().voltage)
      throw ParamError(key, "level voltages must not fall as the clock rises: " + number(volt) +
                                " follows " + number(out.back().voltage));
    out.push_back({clock, volt});
    start = comma + 1;
  }
  if (out.back().clock != 1.0 || out.back().voltage != 1.0)
    throw ParamError(key, "the last level must be 1:1 (the clock the peaks are quoted at and the "
                          "voltage of the busy power), got " +
                              number(out.back().clock) + ":" + number(out.back().voltage));
  return out;
}

std::string format_dvfs_levels(const std::vector<DvfsLevel>& levels) {
  std::string out;
  for (const DvfsLevel& l : levels)
    out += (out.empty() ? "" : ",") + number(l.clock) + ":" + number(l.voltage);
  return out;
}

double linear_voltage(double clock, double voltage_floor) {
  return voltage_floor + (1.0 - voltage_floor) * clock;
}

}  // namespace xpusim::hw
