#include "xpusim/systems/aimd_window.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

AimdWindow::AimdWindow(const Config& config) : config_(config), window_(config.initial) {
  XPUSIM_CHECK(config.min >= 1 && config.min <= config.max && config.increase >= 0,
               "AIMD window bounds out of order");
  window_ = std::clamp(config.initial, config.min, config.max);
}

bool AimdWindow::on_result(bool marked) {
  marked_ = marked_ || marked;
  if (++results_in_round_ < window_) return false;
  const std::int64_t before = window_;
  if (marked_) {
    window_ = std::max(config_.min, window_ / 2);
    ++decreases_;
  } else {
    window_ = std::min(config_.max, window_ + config_.increase);
  }
  results_in_round_ = 0;
  marked_ = false;
  return window_ != before;
}

}  // namespace xpusim::systems
