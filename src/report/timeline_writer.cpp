#include "xpusim/report/timeline_writer.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"
#include "xpusim/report/text_format.hpp"

namespace xpusim::report {
namespace {
constexpr int kDevicesPid = 1;
constexpr int kInstancesPid = 2;
constexpr int kRequestsPid = 3;
}  // namespace

TimelineWriter::TimelineWriter(std::ostream& out, TimelineOptions options)
    : stream_(out), out_(out), options_(options) {
  stream_.name_process(kDevicesPid, "devices");
  if (options_.iterations) stream_.name_process(kInstancesPid, "instances");
  if (options_.max_request_tracks > 0) stream_.name_process(kRequestsPid, "requests");
}

void TimelineWriter::track(const hw::Device& device) {
  if (device.id() < 0) throw Error("device " + device.name() + " has a negative id");
  const auto id = static_cast<std::size_t>(device.id());
  if (spans_.size() <= id) spans_.resize(id + 1);
  if (spans_[id].tracked)
    throw Error("device id " + std::to_string(id) + " (" + device.name() + ") tracked twice");
  spans_[id].tracked = true;
  spans_[id].power_track = device.name() + " power (W)";
  stream_.name_thread(kDevicesPid, device.id(), device.name());
}

void TimelineWriter::attach(hw::Device& device) {
  track(device);
  device.add_observer(*this);
}

TimelineWriter::OpenSpan& TimelineWriter::span_for(const hw::Device& device) {
  const auto id = static_cast<std::size_t>(device.id());
  XPUSIM_CHECK(id < spans_.size() && spans_[id].tracked, "TimelineWriter: untracked device");
  return spans_[id];
}

void TimelineWriter::close_span(int device_id, OpenSpan& span, TimeNs now) {
  if (!span.busy) return;
  XPUSIM_CHECK(now >= span.since_ns, "TimelineWriter: device time went backwards");
  stream_.begin_span(kDevicesPid, device_id, span.label, span.since_ns, now);
  out_ << ",\"args\":{\"activity\":" << format_fixed(span.activity, 4) << "}}";
  span.busy = false;
}

// Board power while busy is the device's busy_power_w(activity) (the energy meter's model);
// between spans, idle power (a held floor between an engine's operators is not drawn).
// Samples are coalesced per instant (an idle then busy at one time writes one sample) and
// written only when the power changed.
void TimelineWriter::write_power(OpenSpan& span, TimeNs now, double watts) {
  if (!options_.power) return;
  if (now != span.pending_ns) flush_power(span);
  span.pending_ns = now;
  span.pending_power_w = watts;
}

void TimelineWriter::flush_power(OpenSpan& span) {
  if (span.pending_ns < 0) return;
  if (span.pending_power_w != span.power_w) {
    span.power_w = span.pending_power_w;
    stream_.counter(kDevicesPid, span.power_track, span.pending_ns, span.power_w);
  }
  span.pending_ns = -1;
}

void TimelineWriter::on_busy(const hw::Device& device, TimeNs now, double activity,
                             std::string_view label) {
  OpenSpan& span = span_for(device);
  close_span(device.id(), span, now);
  span.busy = true;
  span.since_ns = now;
  span.activity = activity;
  span.label.assign(label);
  write_power(span, now, device.spec().busy_power_w(std::clamp(activity, 0.0, 1.0)));
}

void TimelineWriter::on_idle(const hw::Device& device, TimeNs now) {
  OpenSpan& span = span_for(device);
  close_span(device.id(), span, now);
  write_power(span, now, device.spec().idle_power_w);
}

void TimelineWriter::ensure_instance_track(int instance) {
  const auto i = static_cast<std::size_t>(instance);
  if (instance_named_.size() <= i) instance_named_.resize(i + 1, false);
  if (instance_named_[i]) return;
  instance_named_[i] = true;
  stream_.name_thread(kInstancesPid, instance, "instance " + std::to_string(instance));
}

void TimelineWriter::ensure_request_track(std::uint64_t id) {
  if (request_named_.empty()) request_named_.assign(options_.max_request_tracks, false);
  if (request_named_[id]) return;
  request_named_[id] = true;
  stream_.name_thread(kRequestsPid, static_cast<std::int64_t>(id), "request " + std::to_string(id));
}

void TimelineWriter::on_arrival(const workload::Request&, TimeNs) {}

void TimelineWriter::on_token_gaps(TimeNs, std::int64_t) {}

void TimelineWriter::counter_if_changed(const std::string& track, TimeNs now, double value) {
  auto [it, fresh] = last_counter_.try_emplace(track, value);
  if (!fresh && it->second == value) return;
  it->second = value;
  stream_.counter(kInstancesPid, track, now, value);
}

void TimelineWriter::write_instance_counters(int instance, TimeNs now, std::int64_t batch) {
  const std::string prefix = "inst" + std::to_string(instance) + " ";
  counter_if_changed(prefix + "batch size", now, static_cast<double>(batch));
  if (!probe_) return;
  const InstanceLoad load = probe_(instance);
  if (load.kv_blocks_used >= 0)
    counter_if_changed(prefix + "KV blocks used", now, static_cast<double>(load.kv_blocks_used));
  if (load.queued >= 0)
    counter_if_changed(prefix + "queue length", now, static_cast<double>(load.queued));
  if (load.cache_hit_rate >= 0)
    counter_if_changed("prefix cache hit rate", now, load.cache_hit_rate);
}

void TimelineWriter::on_iteration(int instance, TimeNs start_ns, TimeNs end_ns,
                                  std::int64_t decode_seqs, std::int64_t prefill_tokens) {
  if (!options_.iterations || instance < 0) return;
  ensure_instance_track(instance);
  stream_.begin_span(kInstancesPid, instance, "iteration", start_ns, end_ns);
  out_ << ",\"args\":{\"decode_seqs\":" << decode_seqs << ",\"prefill_tokens\":"
       << prefill_tokens << "}}";
  write_instance_counters(instance, end_ns, decode_seqs);
}

void TimelineWriter::on_preemption(std::uint64_t request_id, int instance, TimeNs now) {
  if (request_id >= options_.max_request_tracks) return;
  ensure_request_track(request_id);
  stream_.begin_instant(kRequestsPid, static_cast<std::int64_t>(request_id), "preempted", now);
  out_ << ",\"args\":{\"instance\":" << instance << "}}";
}

void TimelineWriter::on_request_done(const systems::RequestRecord& r) {
  if (r.id >= options_.max_request_tracks) {
    ++requests_without_track_;
    return;
  }
  ensure_request_track(r.id);
  write_request_phases(r);
}

// queued: arrival -> first scheduled; prefill: -> first token; decode: -> finish. A phase whose
// end never happened is left out; a rejected request shows one "rejected" span or mark.
void TimelineWriter::write_request_phases(const systems::RequestRecord& r) {
  const auto tid = static_cast<std::int64_t>(r.id);
  auto span = [&](std::string_view name, TimeNs a, TimeNs b) {
    if (a < 0 || b < a) return;
    stream_.begin_span(kRequestsPid, tid, name, a, b);
    out_ << ",\"args\":{\"instance\":" << r.instance << ",\"prompt_tokens\":" << r.prompt_tokens
         << ",\"output_tokens\":" << r.output_tokens << "}}";
  };
  if (r.outcome == systems::RequestOutcome::Rejected) {
    span("rejected", r.arrival_ns, r.finish_ns >= 0 ? r.finish_ns : r.arrival_ns);
    return;
  }
  span("queued", r.arrival_ns, r.first_scheduled_ns);
  span("prefill", r.first_scheduled_ns, r.first_token_ns);
  span("decode", r.first_token_ns, r.finish_ns);
}

void TimelineWriter::finish(TimeNs end_ns) {
  XPUSIM_CHECK(!stream_.finished(), "TimelineWriter::finish called twice");
  for (std::size_t id = 0; id < spans_.size(); ++id)
    if (spans_[id].tracked) {
      close_span(static_cast<int>(id), spans_[id], end_ns);
      flush_power(spans_[id]);
    }
  stream_.finish();
}

}  // namespace xpusim::report
