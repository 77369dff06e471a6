#include "xpusim/workload/time_parse.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace xpusim::workload {
namespace {

constexpr std::int64_t kNsPerDay = 86'400 * kNsPerS;
constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at `pos` (advancing it) into `out`.
bool take_digits(std::string_view s, std::size_t& pos, int n, int& out) {
  if (pos + static_cast<std::size_t>(n) > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[pos + static_cast<std::size_t>(i)];
    if (!is_digit(c)) return false;
    v = v * 10 + (c - '0');
  }
  pos += static_cast<std::size_t>(n);
  out = v;
  return true;
}

bool take_char(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Fractional seconds after the '.', any number of digits up to 9, as nanoseconds.
bool take_fraction_ns(std::string_view s, std::size_t& pos, std::int64_t& ns) {
  ns = 0;
  if (!take_char(s, pos, '.')) return true;
  int digits = 0;
  while (pos < s.size() && is_digit(s[pos])) {
    if (++digits > 9) return false;
    ns = ns * 10 + (s[pos++] - '0');
  }
  if (digits == 0) return false;
  for (int i = digits; i < 9; ++i) ns *= 10;
  return true;
}

// An optional UTC offset at the end; `offset_s` is what must be subtracted to reach UTC.
bool take_utc_offset(std::string_view s, std::size_t& pos, std::int64_t& offset_s) {
  offset_s = 0;
  if (pos == s.size()) return true;
  if (take_char(s, pos, 'Z')) return pos == s.size();
  const char sign = s[pos];
  if (sign != '+' && sign != '-') return false;
  ++pos;
  int hh = 0, mm = 0;
  if (!take_digits(s, pos, 2, hh) || hh > 23) return false;
  if (pos < s.size()) {
    take_char(s, pos, ':');
    if (!take_digits(s, pos, 2, mm) || mm > 59) return false;
  }
  offset_s = (sign == '+' ? 1 : -1) * (hh * 3600 + mm * 60);
  return pos == s.size();
}

}  // namespace

std::optional<TimeNs> parse_timestamp_ns(std::string_view s) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!take_digits(s, pos, 4, year) || !take_char(s, pos, '-') || !take_digits(s, pos, 2, month) ||
      !take_char(s, pos, '-') || !take_digits(s, pos, 2, day))
    return std::nullopt;
  if (!take_char(s, pos, ' ') && !take_char(s, pos, 'T')) return std::nullopt;
  if (!take_digits(s, pos, 2, hour) || !take_char(s, pos, ':') || !take_digits(s, pos, 2, minute) ||
      !take_char(s, pos, ':') || !take_digits(s, pos, 2, second))
    return std::nullopt;
  std::int64_t fraction_ns = 0, offset_s = 0;
  if (!take_fraction_ns(s, pos, fraction_ns) || !take_utc_offset(s, pos, offset_s))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 59)
    return std::nullopt;
  const std::int64_t days = days_from_civil(year, month, day);
  // int64 ns spans 1677-09-21 .. 2262-04-11; stay a day inside so the sum below cannot wrap.
  if (days <= -106'751 || days >= 106'750) return std::nullopt;
  const std::int64_t second_of_day = hour * 3600 + minute * 60 + second - offset_s;
  return days * kNsPerDay + second_of_day * kNsPerS + fraction_ns;
}

std::optional<TimeNs> parse_seconds_ns(std::string_view s) {
  std::size_t pos = 0;
  const bool negative = pos < s.size() && s[pos] == '-';
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) ++pos;
  // The value is digits x 10^exp10 (digits without the point); ns = digits x 10^(exp10 + 9).
  std::string_view digits_before, digits_after;
  std::size_t start = pos;
  while (pos < s.size() && is_digit(s[pos])) ++pos;
  digits_before = s.substr(start, pos - start);
  if (take_char(s, pos, '.')) {
    start = pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    digits_after = s.substr(start, pos - start);
  }
  if (digits_before.empty() && digits_after.empty()) return std::nullopt;
  std::int64_t exp10 = -static_cast<std::int64_t>(digits_after.size()) + 9;
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    const bool exp_negative = pos < s.size() && s[pos] == '-';
    if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) ++pos;
    std::int64_t e = 0;
    const std::size_t exp_start = pos;
    while (pos < s.size() && is_digit(s[pos])) {
      if (e < 100'000) e = e * 10 + (s[pos] - '0');
      ++pos;
    }
    if (pos == exp_start) return std::nullopt;
    exp10 += exp_negative ? -e : e;
  }
  if (pos != s.size()) return std::nullopt;

  // Accumulate the digits that stay left of the nanosecond point; round on the first dropped one.
  const std::int64_t total = static_cast<std::int64_t>(digits_before.size() + digits_after.size());
  const std::int64_t kept = total + std::min<std::int64_t>(exp10, 0);
  auto digit_at = [&](std::int64_t i) {
    const auto n = static_cast<std::int64_t>(digits_before.size());
    return i < n ? digits_before[static_cast<std::size_t>(i)] - '0'
                 : digits_after[static_cast<std::size_t>(i - n)] - '0';
  };
  std::int64_t value = 0;
  for (std::int64_t i = 0; i < kept; ++i) {
    const int d = digit_at(i);
    if (value > (kMaxInt64 - d) / 10) return std::nullopt;
    value = value * 10 + d;
  }
  for (std::int64_t i = 0; i < exp10; ++i) {
    if (value > kMaxInt64 / 10) return std::nullopt;
    value *= 10;
  }
  if (kept >= 0 && kept < total && digit_at(kept) >= 5) {
    if (value == kMaxInt64) return std::nullopt;
    ++value;
  }
  return negative ? -value : value;
}

}  // namespace xpusim::workload
