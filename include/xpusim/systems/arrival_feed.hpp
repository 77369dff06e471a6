#pragma once
// Pulls requests from a source one at a time and schedules each one's arrival (one pending
// arrival event), so a trace of any length streams; hands every arriving request to its sink.
#include <cstdint>
#include <memory>
#include <optional>

#include "xpusim/core/simulator.hpp"
#include "xpusim/systems/serving_records.hpp"
#include "xpusim/workload/request_source.hpp"

namespace xpusim::systems {

// Where arriving requests go (a cluster, which routes them).
class ArrivalSink {
 public:
  virtual ~ArrivalSink() = default;
  virtual void on_request_arrival(workload::Request&& request, TimeNs now) = 0;
};

class ArrivalFeed final : public EventHandler, public RequestLifecycleObserver {
 public:
  ArrivalFeed(Simulator& sim, std::unique_ptr<workload::RequestSource> source, ArrivalSink& sink)
      : sim_(sim), source_(std::move(source)), sink_(sink) {}
  // Schedules the first arrival; call once before Simulator::run.
  void start() { schedule_next(); }
  const workload::RequestSource& source() const { return *source_; }
  std::uint64_t arrived() const { return arrived_; }

  void on_event(std::uint32_t tag, std::uint64_t payload) override;
  // RequestLifecycleObserver: feeds the request's end back to the source.
  void on_request_done(const RequestRecord& record) override;

 private:
  void schedule_next();

  Simulator& sim_;
  std::unique_ptr<workload::RequestSource> source_;
  ArrivalSink& sink_;
  std::optional<workload::Request> next_;
  EventId next_event_{};  // next_'s arrival event
  std::uint64_t arrived_ = 0;
};

}  // namespace xpusim::systems
