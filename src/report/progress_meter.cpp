#include "xpusim/report/progress_meter.hpp"

#include <algorithm>
#include <cmath>

namespace xpusim::report {

namespace {
constexpr int kBarWidth = 24;
double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

ProgressMeter::ProgressMeter(ProgressSettings settings, std::string run_name, std::FILE* out)
    : settings_(settings), name_(std::move(run_name)), out_(out) {}

ProgressMeter::~ProgressMeter() { done(); }

bool ProgressMeter::due() {
  if (!settings_.enabled) return false;
  const auto now = std::chrono::steady_clock::now();
  const double interval = settings_.bar ? 0.5 : settings_.every_s;
  if (std::chrono::duration<double>(now - last_).count() < interval) return false;
  if (settings_.bar && now - start_ < std::chrono::seconds(1)) return false;  // short runs: none
  last_ = now;
  return true;
}

std::string ProgressMeter::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long long>(std::llround(seconds));
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%llds", s);
  return buf;
}

void ProgressMeter::report(double fraction, std::string_view detail) {
  if (!settings_.enabled) return;
  const double elapsed = seconds_since(start_);
  const bool known = fraction >= 0;
  const double f = std::clamp(fraction, 0.0, 1.0);
  const std::string left =
      known && f > 0 ? format_duration(elapsed * (1 - f) / f) + " left" : "time left unknown";
  const std::string d(detail);
  if (settings_.bar) {
    std::string bar(kBarWidth, ' ');
    std::fill_n(bar.begin(), static_cast<std::size_t>(f * kBarWidth), '#');
    if (known)
      std::fprintf(out_, "\r  [%s] %3.0f%%  %s, %s   ", bar.c_str(), f * 100, d.c_str(),
                   left.c_str());
    else
      std::fprintf(out_, "\r  %s, %s elapsed   ", d.c_str(), format_duration(elapsed).c_str());
    bar_shown_ = true;
  } else if (known) {
    std::fprintf(out_, "progress %s: %.1f%% (%s), %s elapsed, %s\n", name_.c_str(), f * 100,
                 d.c_str(), format_duration(elapsed).c_str(), left.c_str());
  } else {
    std::fprintf(out_, "progress %s: %s, %s elapsed\n", name_.c_str(), d.c_str(),
                 format_duration(elapsed).c_str());
  }
  std::fflush(out_);
}

void ProgressMeter::done() {
  if (!bar_shown_) return;
  std::fputs("\n", out_);
  bar_shown_ = false;
}

}  // namespace xpusim::report
