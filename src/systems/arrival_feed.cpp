#include "xpusim/systems/arrival_feed.hpp"

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

void ArrivalFeed::schedule_next() {
  next_ = source_->next();
  if (!next_) return;
  // Sources guarantee non-decreasing arrivals (a trace that breaks the promise is an input
  // error the source reports), so this is a check, not a user-facing error.
  XPUSIM_CHECK(next_->arrival_ns >= sim_.now(), "request source went back in time");
  next_event_ = sim_.schedule_at(next_->arrival_ns, *this);
}

void ArrivalFeed::on_event(std::uint32_t, std::uint64_t) {
  workload::Request request = std::move(*next_);
  next_.reset();
  ++arrived_;
  sink_.on_request_arrival(std::move(request), sim_.now());
  schedule_next();
}

void ArrivalFeed::on_request_done(const RequestRecord& record) {
  if (!source_->request_finished(record.id, record.outcome == RequestOutcome::Completed,
                                 record.finish_ns >= 0 ? record.finish_ns : sim_.now()))
    return;
  // The new request may arrive before the one held: give that back and ask again.
  if (next_) {
    sim_.cancel(next_event_);
    source_->take_back(std::move(*next_));
    next_.reset();
  }
  schedule_next();
}

}  // namespace xpusim::systems
