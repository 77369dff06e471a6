#include "xpusim/report/timeline_writer.hpp"

#include "xpusim/core/error.hpp"
#include "xpusim/report/text_format.hpp"

namespace xpusim::report {
namespace {
constexpr int kDevicesPid = 1;
constexpr int kInstancesPid = 2;
constexpr int kRequestsPid = 3;
}  // namespace

TimelineWriter::TimelineWriter(std::ostream& out, TimelineOptions options)
    : out_(out), options_(options) {
  out_ << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[";
  write_metadata(kDevicesPid, 0, "process_name", "devices");
  if (options_.iterations) write_metadata(kInstancesPid, 0, "process_name", "instances");
  if (options_.max_request_tracks > 0) write_metadata(kRequestsPid, 0, "process_name", "requests");
}

void TimelineWriter::begin_event() {
  XPUSIM_CHECK(!finished_, "TimelineWriter: event after finish");
  out_ << (events_ == 0 ? "\n" : ",\n");
  ++events_;
}

void TimelineWriter::write_metadata(int pid, std::int64_t tid, std::string_view what,
                                    std::string_view name) {
  begin_event();
  out_ << "{\"name\":";
  write_json_string(out_, what);
  out_ << ",\"ph\":\"M\",\"pid\":" << pid << ",\"tid\":" << tid << ",\"args\":{\"name\":";
  write_json_string(out_, name);
  out_ << "}}";
}

// Leaves the event object open so the caller can append "args" before closing it.
void TimelineWriter::write_complete(int pid, std::int64_t tid, std::string_view name,
                                    TimeNs start_ns, TimeNs end_ns) {
  begin_event();
  out_ << "{\"name\":";
  write_json_string(out_, name);
  out_ << ",\"ph\":\"X\",\"pid\":" << pid << ",\"tid\":" << tid << ",\"ts\":";
  write_ns_as_micros(out_, start_ns);
  out_ << ",\"dur\":";
  write_ns_as_micros(out_, end_ns - start_ns);
}

void TimelineWriter::track(const hw::Device& device) {
  if (device.id() < 0) throw Error("device " + device.name() + " has a negative id");
  const auto id = static_cast<std::size_t>(device.id());
  if (spans_.size() <= id) spans_.resize(id + 1);
  if (spans_[id].tracked)
    throw Error("device id " + std::to_string(id) + " (" + device.name() + ") tracked twice");
  spans_[id].tracked = true;
  write_metadata(kDevicesPid, device.id(), "thread_name", device.name());
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
  write_complete(kDevicesPid, device_id, span.label, span.since_ns, now);
  out_ << ",\"args\":{\"activity\":" << format_fixed(span.activity, 4) << "}}";
  span.busy = false;
}

void TimelineWriter::on_busy(const hw::Device& device, TimeNs now, double activity,
                             std::string_view label) {
  OpenSpan& span = span_for(device);
  close_span(device.id(), span, now);
  span.busy = true;
  span.since_ns = now;
  span.activity = activity;
  span.label.assign(label);
}

void TimelineWriter::on_idle(const hw::Device& device, TimeNs now) {
  close_span(device.id(), span_for(device), now);
}

void TimelineWriter::ensure_instance_track(int instance) {
  const auto i = static_cast<std::size_t>(instance);
  if (instance_named_.size() <= i) instance_named_.resize(i + 1, false);
  if (instance_named_[i]) return;
  instance_named_[i] = true;
  write_metadata(kInstancesPid, instance, "thread_name", "instance " + std::to_string(instance));
}

void TimelineWriter::ensure_request_track(std::uint64_t id) {
  if (request_named_.empty()) request_named_.assign(options_.max_request_tracks, false);
  if (request_named_[id]) return;
  request_named_[id] = true;
  write_metadata(kRequestsPid, static_cast<std::int64_t>(id), "thread_name",
                 "request " + std::to_string(id));
}

void TimelineWriter::on_arrival(const workload::Request&, TimeNs) {}

void TimelineWriter::on_token_gaps(TimeNs, std::int64_t) {}

void TimelineWriter::on_iteration(int instance, TimeNs start_ns, TimeNs end_ns,
                                  std::int64_t decode_seqs, std::int64_t prefill_tokens) {
  if (!options_.iterations || instance < 0) return;
  ensure_instance_track(instance);
  write_complete(kInstancesPid, instance, "iteration", start_ns, end_ns);
  out_ << ",\"args\":{\"decode_seqs\":" << decode_seqs << ",\"prefill_tokens\":"
       << prefill_tokens << "}}";
}

void TimelineWriter::on_preemption(std::uint64_t request_id, int instance, TimeNs now) {
  if (request_id >= options_.max_request_tracks) return;
  ensure_request_track(request_id);
  begin_event();
  out_ << "{\"name\":\"preempted\",\"ph\":\"i\",\"s\":\"t\",\"pid\":" << kRequestsPid
       << ",\"tid\":" << request_id << ",\"ts\":";
  write_ns_as_micros(out_, now);
  out_ << ",\"args\":{\"instance\":" << instance << "}}";
}

void TimelineWriter::on_request_done(const systems::RequestRecord& r) {
  if (r.id >= options_.max_request_tracks) return;
  ensure_request_track(r.id);
  write_request_phases(r);
}

// queued: arrival -> first scheduled; prefill: -> first token; decode: -> finish. A phase whose
// end never happened is left out; a rejected request shows one "rejected" span or mark.
void TimelineWriter::write_request_phases(const systems::RequestRecord& r) {
  const auto tid = static_cast<std::int64_t>(r.id);
  auto span = [&](std::string_view name, TimeNs a, TimeNs b) {
    if (a < 0 || b < a) return;
    write_complete(kRequestsPid, tid, name, a, b);
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
  XPUSIM_CHECK(!finished_, "TimelineWriter::finish called twice");
  for (std::size_t id = 0; id < spans_.size(); ++id)
    if (spans_[id].tracked) close_span(static_cast<int>(id), spans_[id], end_ns);
  out_ << "\n]}\n";
  out_.flush();
  finished_ = true;
}

}  // namespace xpusim::report
