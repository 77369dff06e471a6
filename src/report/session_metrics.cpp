#include "xpusim/report/session_metrics.hpp"

#include <algorithm>

#include "xpusim/report/distribution_json.hpp"

namespace xpusim::report {

void SessionMetrics::on_arrival(const workload::Request& request, TimeNs now) {
  if (request.session == 0) return;
  auto [it, fresh] = sessions_.try_emplace(request.session);
  Session& s = it->second;
  if (fresh || now < s.first_arrival_ns) s.first_arrival_ns = now;
  ++s.arrived;
  s.followup = request.expects_followup;
}

void SessionMetrics::on_request_done(const systems::RequestRecord& record) {
  if (record.session == 0) return;
  const auto it = sessions_.find(record.session);
  if (it == sessions_.end()) return;  // rejected before it arrived: cannot happen, ignored
  Session& s = it->second;
  if (record.outcome != systems::RequestOutcome::Completed) {
    s.failed = true;
    return;
  }
  ++s.completed;
  s.last_finish_ns = std::max(s.last_finish_ns, record.finish_ns);
}

nlohmann::json SessionMetrics::summary() const {
  SampleSummary jct_ns, turns;
  for (const auto& [id, s] : sessions_) {
    if (s.failed || s.followup || s.completed < s.arrived) continue;
    jct_ns.add(static_cast<double>(s.last_finish_ns - s.first_arrival_ns));
    turns.add(static_cast<double>(s.completed));
  }
  nlohmann::json j;
  const auto total = static_cast<std::int64_t>(sessions_.size());
  const auto complete = static_cast<std::int64_t>(jct_ns.count());
  j["sessions"] = total;
  j["complete"] = complete;
  j["incomplete"] = total - complete;
  j["turns"] = distribution_json(turns, turns.count(), 1.0);
  j["jct_s"] = distribution_json(jct_ns, jct_ns.count(), 1e9);
  return j;
}

}  // namespace xpusim::report
