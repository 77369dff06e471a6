#include "xpusim/report/trace_event_stream.hpp"

#include <cmath>

#include "xpusim/core/error.hpp"
#include "xpusim/report/text_format.hpp"

namespace xpusim::report {

TraceEventStream::TraceEventStream(std::ostream& out) : out_(out) {
  out_ << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[";
}

void TraceEventStream::begin_event() {
  XPUSIM_CHECK(!finished_, "timeline: event after finish");
  out_ << (events_ == 0 ? "\n" : ",\n");
  ++events_;
}

void TraceEventStream::name_process(int pid, std::string_view name) {
  begin_event();
  out_ << "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":" << pid
       << ",\"tid\":0,\"args\":{\"name\":";
  write_json_string(out_, name);
  out_ << "}}";
}

void TraceEventStream::name_thread(int pid, std::int64_t tid, std::string_view name) {
  begin_event();
  out_ << "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":" << pid << ",\"tid\":" << tid
       << ",\"args\":{\"name\":";
  write_json_string(out_, name);
  out_ << "}}";
}

void TraceEventStream::begin_span(int pid, std::int64_t tid, std::string_view name,
                                  TimeNs start_ns, TimeNs end_ns) {
  begin_event();
  out_ << "{\"name\":";
  write_json_string(out_, name);
  out_ << ",\"ph\":\"X\",\"pid\":" << pid << ",\"tid\":" << tid << ",\"ts\":";
  write_ns_as_micros(out_, start_ns);
  out_ << ",\"dur\":";
  write_ns_as_micros(out_, end_ns - start_ns);
}

void TraceEventStream::begin_instant(int pid, std::int64_t tid, std::string_view name,
                                     TimeNs at_ns) {
  begin_event();
  out_ << "{\"name\":";
  write_json_string(out_, name);
  out_ << ",\"ph\":\"i\",\"s\":\"t\",\"pid\":" << pid << ",\"tid\":" << tid << ",\"ts\":";
  write_ns_as_micros(out_, at_ns);
}

void TraceEventStream::begin_counter(int pid, std::string_view name, TimeNs at_ns) {
  begin_event();
  out_ << "{\"name\":";
  write_json_string(out_, name);
  out_ << ",\"ph\":\"C\",\"pid\":" << pid << ",\"tid\":0,\"ts\":";
  write_ns_as_micros(out_, at_ns);
  out_ << ",\"args\":{\"value\":";
}

void TraceEventStream::counter(int pid, std::string_view name, TimeNs at_ns, double value) {
  begin_counter(pid, name, at_ns);
  out_ << (std::isfinite(value) ? format_fixed(value, 4) : std::string("0")) << "}}";
}

void TraceEventStream::counter(int pid, std::string_view name, TimeNs at_ns, std::int64_t value) {
  begin_counter(pid, name, at_ns);
  out_ << value << "}}";
}

void TraceEventStream::finish() {
  XPUSIM_CHECK(!finished_, "timeline: finish called twice");
  out_ << "\n]}\n";
  out_.flush();
  finished_ = true;
}

}  // namespace xpusim::report
