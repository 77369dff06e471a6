#pragma once
// Program-level metrics of multi-turn sessions (chat conversations, agent programs): a
// session's job completion time (JCT) is its last turn's finish less its first turn's arrival,
// Continuum's program-level metric. summary.json's `sessions` block; docs/outputs.md.
#include <cstdint>
#include <map>

#include <nlohmann/json.hpp>

#include "xpusim/core/time.hpp"
#include "xpusim/report/sample_summary.hpp"
#include "xpusim/systems/serving_records.hpp"

namespace xpusim::report {

class SessionMetrics final : public systems::RequestLifecycleObserver {
 public:
  void on_arrival(const workload::Request& request, TimeNs now) override;
  void on_request_done(const systems::RequestRecord& record) override;

  // Whether any request carried a session id (only then does summary.json get the block).
  bool any() const { return !sessions_.empty(); }
  // {sessions, complete, incomplete, turns (of complete sessions), jct_s}. A session is
  // complete when every turn that arrived completed and the last of them expected no follow-up;
  // JCT is measured over complete sessions only.
  nlohmann::json summary() const;

 private:
  struct Session {
    TimeNs first_arrival_ns = 0;
    TimeNs last_finish_ns = 0;
    std::int64_t arrived = 0;
    std::int64_t completed = 0;
    bool failed = false;    // a turn was rejected or lost
    bool followup = true;   // the last turn that arrived expects another after it
  };
  std::map<std::uint64_t, Session> sessions_;  // ordered: the summary never depends on hashing
};

}  // namespace xpusim::report
