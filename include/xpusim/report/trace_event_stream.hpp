#pragma once
// The low-level half of every timeline.json: streams Chrome/Perfetto trace events
// ({"traceEvents":[...]}) one at a time, never holding them in memory.
//
// Contract: the document head is written at construction; each write_* call appends one event;
// finish() ends the document (then it parses as JSON) and must be called exactly once, after
// which no event may be written. Times are integer nanoseconds printed as microseconds with 3
// decimals, so the bytes depend only on the events (no floating-point time).
#include <cstdint>
#include <ostream>
#include <string_view>

#include "xpusim/core/time.hpp"

namespace xpusim::report {

class TraceEventStream {
 public:
  explicit TraceEventStream(std::ostream& out);

  // Names a process (tid 0, "process_name") or a thread ("thread_name") track.
  void name_process(int pid, std::string_view name);
  void name_thread(int pid, std::int64_t tid, std::string_view name);
  // A complete ("X") event left open: the caller appends `,"args":{...}}` or calls close().
  void begin_span(int pid, std::int64_t tid, std::string_view name, TimeNs start_ns, TimeNs end_ns);
  // An instant ("i", thread scope) event left open like begin_span.
  void begin_instant(int pid, std::int64_t tid, std::string_view name, TimeNs at_ns);
  void close() { out_ << '}'; }
  // A counter ("C") sample: the track `name` of process `pid` takes `value` from `at_ns` on.
  void counter(int pid, std::string_view name, TimeNs at_ns, double value);
  void counter(int pid, std::string_view name, TimeNs at_ns, std::int64_t value);

  std::ostream& out() { return out_; }
  void finish();
  bool finished() const { return finished_; }
  std::uint64_t events() const { return events_; }

 private:
  void begin_event();
  void begin_counter(int pid, std::string_view name, TimeNs at_ns);

  std::ostream& out_;
  std::uint64_t events_ = 0;
  bool finished_ = false;
};

}  // namespace xpusim::report
