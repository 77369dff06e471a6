#pragma once
// Failures of serving instances (faults): how many, how long instances were down, and what
// happened to the requests they held. Fed by the serving observer; summary()["faults"].
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "xpusim/systems/serving_records.hpp"

namespace xpusim::report {

class FaultStats final : public systems::DeviceActivityObserver {
 public:
  explicit FaultStats(std::size_t instances) : down_since_(instances, -1), downtime_ns_(instances, 0) {}
  void on_instance_down(int instance, TimeNs now, std::int64_t requeued, std::int64_t lost) override;
  void on_instance_up(int instance, TimeNs now) override;
  void on_link_down(const std::string& host, TimeNs now) override;
  void on_link_up(const std::string& host, TimeNs now) override;

  // Counts, downtime (an instance still down at `end` counts until then) and availability.
  nlohmann::json summary(TimeNs end) const;

 private:
  std::vector<TimeNs> down_since_;  // -1 while up
  std::vector<TimeNs> downtime_ns_;
  std::int64_t failures_ = 0;
  std::int64_t recoveries_ = 0;
  std::int64_t requeued_ = 0;
  std::int64_t lost_ = 0;
  std::int64_t link_failures_ = 0;
  std::map<std::string, TimeNs> link_down_since_;  // links down now
  TimeNs link_downtime_ns_ = 0;
};

}  // namespace xpusim::report
