#pragma once
// Streams a Chrome/Perfetto trace-event JSON file ({"traceEvents":[...]}) of what ran on which
// device when, plus serving iterations and per-request phases. Events are written as they
// complete and never kept in memory; only the open span of each device is.
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "xpusim/core/time.hpp"
#include "xpusim/hw/device.hpp"
#include "xpusim/systems/serving_records.hpp"

namespace xpusim::report {

struct TimelineOptions {
  // Requests with id < this get their own track (queued / prefill / decode spans, preemption
  // marks); a cap keeps traces of million-request runs loadable. 0 = no request tracks.
  std::uint64_t max_request_tracks = 1000;
  bool iterations = true;  // one track per serving instance showing its model iterations
};

// Track layout: process 1 "devices" with one thread per device (tid = device id); process 2
// "instances" with one thread per serving instance; process 3 "requests" with one thread per
// request (tid = request id). Times are microseconds with 3 decimals, i.e. exact nanoseconds.
class TimelineWriter : public hw::DeviceObserver,
                       public systems::RequestLifecycleObserver,
                       public systems::DeviceActivityObserver {
 public:
  // Writes the document head at once; `out` must outlive the writer.
  explicit TimelineWriter(std::ostream& out, TimelineOptions options = {});

  // Names the device's track (a metadata event); the caller also subscribes the writer.
  void track(const hw::Device& device);
  void attach(hw::Device& device);  // track() plus device.add_observer(*this)

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
  std::uint64_t events_written() const { return events_; }

 private:
  struct OpenSpan {
    bool tracked = false;
    bool busy = false;
    TimeNs since_ns = 0;
    double activity = 0;
    std::string label;  // reused buffer: no allocation once it has grown
  };
  OpenSpan& span_for(const hw::Device& device);
  void close_span(int device_id, OpenSpan& span, TimeNs now);
  void begin_event();
  void write_metadata(int pid, std::int64_t tid, std::string_view what, std::string_view name);
  void write_complete(int pid, std::int64_t tid, std::string_view name, TimeNs start_ns,
                      TimeNs end_ns);
  void write_request_phases(const systems::RequestRecord& r);
  void ensure_instance_track(int instance);
  void ensure_request_track(std::uint64_t id);

  std::ostream& out_;
  TimelineOptions options_;
  std::vector<OpenSpan> spans_;  // by device id
  std::vector<bool> instance_named_;
  std::vector<bool> request_named_;
  std::uint64_t events_ = 0;
  bool finished_ = false;
};

}  // namespace xpusim::report
