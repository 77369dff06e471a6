#include "xpusim/report/fault_stats.hpp"

#include "xpusim/core/error.hpp"

namespace xpusim::report {

void FaultStats::on_instance_down(int instance, TimeNs now, std::int64_t requeued, std::int64_t lost) {
  const auto i = static_cast<std::size_t>(instance);
  XPUSIM_CHECK(i < down_since_.size() && down_since_[i] < 0, "instance down twice");
  down_since_[i] = now;
  ++failures_;
  requeued_ += requeued;
  lost_ += lost;
}

void FaultStats::on_instance_up(int instance, TimeNs now) {
  const auto i = static_cast<std::size_t>(instance);
  XPUSIM_CHECK(i < down_since_.size() && down_since_[i] >= 0, "instance up twice");
  downtime_ns_[i] += now - down_since_[i];
  down_since_[i] = -1;
  ++recoveries_;
}

void FaultStats::on_link_down(const std::string& host, TimeNs now) {
  XPUSIM_CHECK(link_down_since_.emplace(host, now).second, "link down twice");
  ++link_failures_;
}

void FaultStats::on_link_up(const std::string& host, TimeNs now) {
  const auto it = link_down_since_.find(host);
  XPUSIM_CHECK(it != link_down_since_.end(), "link up twice");
  link_downtime_ns_ += now - it->second;
  link_down_since_.erase(it);
}

nlohmann::json FaultStats::summary(TimeNs end) const {
  TimeNs total = 0;
  nlohmann::json per = nlohmann::json::array();
  for (std::size_t i = 0; i < downtime_ns_.size(); ++i) {
    const TimeNs d = downtime_ns_[i] + (down_since_[i] >= 0 ? end - down_since_[i] : 0);
    total += d;
    per.push_back(ns_to_seconds(d));
  }
  const double capacity_s = ns_to_seconds(end) * static_cast<double>(downtime_ns_.size());
  return {{"failures", failures_},
          {"recoveries", recoveries_},
          {"requeued_requests", requeued_},
          {"lost_requests", lost_},
          {"downtime_s", ns_to_seconds(total)},
          {"downtime_s_per_instance", per},
          {"availability", capacity_s > 0 ? 1.0 - ns_to_seconds(total) / capacity_s : 1.0},
          {"link_failures", link_failures_},
          {"link_downtime_s", ns_to_seconds(link_downtime_ns_ + [&] {
             TimeNs open = 0;  // links still down at the end count until then
             for (const auto& [host, since] : link_down_since_) open += end - since;
             return open;
           }())}};
}

}  // namespace xpusim::report
