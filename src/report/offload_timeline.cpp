#include "xpusim/report/offload_timeline.hpp"

#include <string>

namespace xpusim::report {
namespace {
constexpr int kIterationsPid = 1;
constexpr int kCountersPid = 2;
}  // namespace

OffloadTimeline::OffloadTimeline(std::ostream& out, systems::OffloadObserver& next,
                                 std::uint64_t max_iterations)
    : stream_(out), next_(next), max_iterations_(max_iterations) {
  stream_.name_process(kIterationsPid, "iterations");
  stream_.name_thread(kIterationsPid, 0, "GPU");
  stream_.name_process(kCountersPid, "expert cache");
}

void OffloadTimeline::on_iteration(const systems::OffloadIterationRecord& r) {
  next_.on_iteration(r);
  const TimeNs start = cursor_;
  cursor_ += r.time_ns;
  if (static_cast<std::uint64_t>(r.iteration) >= max_iterations_) {
    ++untracked_;
    return;
  }
  stream_.begin_span(kIterationsPid, 0, "iteration " + std::to_string(r.iteration), start, cursor_);
  stream_.out() << ",\"args\":{\"activated\":" << r.activated << ",\"hits\":" << r.hits
                << ",\"fetched\":" << r.fetched << ",\"prefetched\":" << r.prefetched
                << ",\"on_cpu\":" << r.on_cpu << ",\"substituted\":" << r.substituted << "}}";
  const double hit_rate =
      r.activated > 0 ? static_cast<double>(r.hits) / static_cast<double>(r.activated) : 0.0;
  stream_.counter(kCountersPid, "cache hit rate", start, hit_rate);
  stream_.counter(kCountersPid, "experts fetched", start, r.fetched);
  stream_.counter(kCountersPid, "experts on CPU", start, r.on_cpu);
}

void OffloadTimeline::finish() { stream_.finish(); }

}  // namespace xpusim::report
