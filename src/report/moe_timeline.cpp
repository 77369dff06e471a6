#include "xpusim/report/moe_timeline.hpp"

#include <algorithm>
#include <string>

namespace xpusim::report {
namespace {
constexpr int kStepsPid = 1;
constexpr int kLayersPid = 2;
constexpr int kCountersPid = 3;
}  // namespace

MoeTimeline::MoeTimeline(std::ostream& out, systems::MoeObserver& next,
                         std::uint64_t max_detail_steps)
    : stream_(out), next_(next), max_detail_steps_(max_detail_steps) {
  stream_.name_process(kStepsPid, "steps");
  stream_.name_thread(kStepsPid, 0, "steps");
  stream_.name_process(kLayersPid, "MoE layers");
  stream_.name_thread(kLayersPid, 0, "layer passes");
  stream_.name_process(kCountersPid, "counters");
}

void MoeTimeline::on_layer(const systems::MoeLayerRecord& record) {
  next_.on_layer(record);
  if (static_cast<std::uint64_t>(record.step) < max_detail_steps_) pending_.push_back(record);
}

void MoeTimeline::on_step(const systems::MoeStepRecord& r) {
  next_.on_step(r);
  const TimeNs end = r.start_ns + r.time_ns;
  stream_.begin_span(kStepsPid, 0, "step " + std::to_string(r.step), r.start_ns, end);
  stream_.out() << ",\"args\":{\"tokens\":" << static_cast<std::int64_t>(r.tokens)
                << ",\"ideal_ns\":" << r.ideal_ns << ",\"weight_move_bytes\":"
                << static_cast<std::int64_t>(r.weight_move_bytes) << "}}";
  if (static_cast<std::uint64_t>(r.step) >= max_detail_steps_) ++steps_without_detail_;
  // Exposed weight moves first (batch-level placement precedes the micro-batches), then the
  // layer passes end to end; each layer's time is rounded to ns on its own, so the last passes
  // are clipped to the step's end (at most a few ns).
  if (r.weight_move_ns > 0 && !pending_.empty()) {
    stream_.begin_span(kLayersPid, 0, "weight moves", r.start_ns, r.start_ns + r.weight_move_ns);
    stream_.close();
  }
  TimeNs cursor = std::min(end, r.start_ns + r.weight_move_ns);
  double imbalance_sum = 0;
  std::string name;  // "<MoE layer index> fwd|bwd"
  for (const auto& l : pending_) {
    name = std::to_string(l.layer);
    name += l.backward ? " bwd" : " fwd";
    const TimeNs layer_end = std::min(end, cursor + l.time_ns);
    stream_.begin_span(kLayersPid, 0, name, cursor, layer_end);
    stream_.out() << ",\"args\":{\"micro_batch\":" << l.micro_batch << ",\"max_gpu_tokens\":"
                  << static_cast<std::int64_t>(l.max_gpu_tokens) << ",\"all_to_all_ns\":"
                  << l.all_to_all_ns << "}}";
    cursor = layer_end;
    imbalance_sum += l.mean_gpu_tokens > 0 ? l.max_gpu_tokens / l.mean_gpu_tokens : 1.0;
  }
  const double seconds = static_cast<double>(r.time_ns) / 1e9;
  stream_.counter(kCountersPid, "tokens per second", r.start_ns,
                  seconds > 0 ? r.tokens / seconds : 0.0);
  if (!pending_.empty())
    stream_.counter(kCountersPid, "load imbalance (max/mean GPU tokens)", r.start_ns,
                    imbalance_sum / static_cast<double>(pending_.size()));
  pending_.clear();
}

void MoeTimeline::finish() { stream_.finish(); }

}  // namespace xpusim::report
