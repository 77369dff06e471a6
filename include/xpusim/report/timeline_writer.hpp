#pragma once
// Streams a Chrome/Perfetto trace-event JSON file ({"traceEvents":[...]}) of what ran on which
// device when, plus serving iterations and per-request phases. Events are written as they
// complete and never kept in memory; only the open span of each device is.
#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "xpusim/core/time.hpp"
#include "xpusim/hw/device.hpp"
#include "xpusim/report/trace_event_stream.hpp"
#include "xpusim/systems/serving_records.hpp"

namespace xpusim::report {

struct TimelineOptions {
  // Requests with id < this get their own track (queued / prefill / decode spans, preemption
  // marks); a cap keeps traces of million-request runs loadable. 0 = no request tracks.
  std::uint64_t max_request_tracks = 1000;
  bool iterations = true;  // one track per serving instance showing its model iterations
  bool power = true;       // a power counter track per device (from its activity)
};

// What a serving instance holds right after an iteration, read by the timeline's counter
// tracks (queue length, KV blocks in use) and the cluster's cumulative prefix-cache hit rate.
// A negative value is not drawn.
struct InstanceLoad {
  std::int64_t kv_blocks_used = -1;
  std::int64_t queued = -1;           // waiting to be admitted
  double cache_hit_rate = -1;         // prompt tokens served from the prefix cache, cumulative
};
using InstanceProbe = std::function<InstanceLoad(int instance)>;

// Track layout: process 1 "devices" with one thread per device (tid = device id); process 2
// "instances" with one thread per serving instance; process 3 "requests" with one thread per
// request (tid = request id). Times are microseconds with 3 decimals, i.e. exact nanoseconds.
// Counter tracks: device power (process 1), batch size and, with a probe, KV blocks used and
// queue length per instance, and the cumulative prefix-cache hit rate (process 2). A counter
// sample is written only when its value changes.
class TimelineWriter : public hw::DeviceObserver,
                       public systems::RequestLifecycleObserver,
                       public systems::DeviceActivityObserver {
 public:
  // Writes the document head at once; `out` must outlive the writer.
  explicit TimelineWriter(std::ostream& out, TimelineOptions options = {});

  // Names the device's track (a metadata event); the caller also subscribes the writer.
  void track(const hw::Device& device);
  void attach(hw::Device& device);  // track() plus device.add_observer(*this)
  // Read after every iteration for the instance counter tracks; none: batch size only.
  void set_instance_probe(InstanceProbe probe) { probe_ = std::move(probe); }

  void on_busy(const hw::Device& device, TimeNs now, double activity,
               std::string_view label) override;
  void on_idle(const hw::Device& device, TimeNs now) override;

  void on_arrival(const workload::Request& request, TimeNs now) override;
  void on_request_done(const systems::RequestRecord& record) override;
  void on_token_gaps(TimeNs gap_ns, std::int64_t count) override;
  void on_preemption(std::uint64_t request_id, int instance, TimeNs now) override;
  void on_iteration(int instance, TimeNs start_ns, TimeNs end_ns, std::int64_t decode_seqs,
                    std::int64_t prefill_tokens) override;

  // Closes spans still open at `end_ns` and ends the JSON document (then it parses). Once.
  void finish(TimeNs end_ns);
  std::uint64_t events_written() const { return stream_.events(); }
  // Requests that finished without a track because their id reached max_request_tracks.
  std::uint64_t requests_without_track() const { return requests_without_track_; }

 private:
  struct OpenSpan {
    bool tracked = false;
    bool busy = false;
    TimeNs since_ns = 0;
    double activity = 0;
    double power_w = -1;  // last power sample written
    double pending_power_w = -1;  // sample at pending_ns, written once time moves on
    TimeNs pending_ns = -1;
    std::string label;  // reused buffer: no allocation once it has grown
    std::string power_track;
  };
  OpenSpan& span_for(const hw::Device& device);
  void close_span(int device_id, OpenSpan& span, TimeNs now);
  void write_power(OpenSpan& span, TimeNs now, double watts);
  void flush_power(OpenSpan& span);
  void write_instance_counters(int instance, TimeNs now, std::int64_t batch);
  void counter_if_changed(const std::string& track, TimeNs now, double value);
  void write_request_phases(const systems::RequestRecord& r);
  void ensure_instance_track(int instance);
  void ensure_request_track(std::uint64_t id);

  TraceEventStream stream_;
  std::ostream& out_;
  TimelineOptions options_;
  InstanceProbe probe_;
  std::map<std::string, double> last_counter_;  // track -> last value written
  std::vector<OpenSpan> spans_;  // by device id
  std::vector<bool> instance_named_;
  std::vector<bool> request_named_;
  std::uint64_t requests_without_track_ = 0;
};

}  // namespace xpusim::report
