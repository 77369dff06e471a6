#pragma once
// ATP's end-host congestion control (NSDI'21 §3.5; in-ATP/ATP common/CC_manager.h): a job's
// sending window grows additively while its results come back unmarked and halves once per
// round in which any result carried a congestion mark (an ECN bit a switch set on an egress
// queue at or above its threshold, OR-ed into the aggregate, echoed by the parameter server) or
// a loss was detected. A round is `window` results. Contract: min <= window() <= max always.
#include <cstdint>

namespace xpusim::systems {

class AimdWindow {
 public:
  struct Config {
    std::int64_t initial = 128;  // packets; the window before any feedback
    std::int64_t min = 1;
    std::int64_t max = 128;
    std::int64_t increase = 4;  // packets added after a round without a mark
  };
  explicit AimdWindow(const Config& config);

  std::int64_t window() const { return window_; }
  // One result came back; `marked`: it carried ECN. Applies the round's decision when the
  // round is complete. Returns true when the window changed.
  bool on_result(bool marked);
  // A loss was detected (a retransmission): the round ends with a decrease.
  void on_loss() { marked_ = true; }
  std::int64_t decreases() const { return decreases_; }

 private:
  Config config_;
  std::int64_t window_;
  std::int64_t results_in_round_ = 0;
  bool marked_ = false;
  std::int64_t decreases_ = 0;
};

}  // namespace xpusim::systems
