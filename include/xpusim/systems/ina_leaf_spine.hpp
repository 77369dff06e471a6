#pragma once
// The hosts and switches of a multi-rack `ina` scenario on an hw::Topology: one spine, `racks`
// rack switches, and every worker and parameter server (PS) on its own port of its rack switch.
// Job j's PS sits in rack j mod racks and its worker w in rack (j + 1 + w) mod racks, so a job's
// workers spread over every rack, starting with the rack after its PS's. Packets are routed over
// the topology's links; each directed link serves packets first come first served at its rate
// (store and forward), and a packet that finds a switch egress queue at least
// ecn_threshold_packets deep is ECN-marked (hosts' own NIC queues never mark).
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "xpusim/core/time.hpp"
#include "xpusim/hw/switch_spec.hpp"
#include "xpusim/hw/topology.hpp"
#include "xpusim/systems/ina_network.hpp"

namespace xpusim::systems {

class InaLeafSpine {
 public:
  // `workers[j]`: job j's worker count.
  InaLeafSpine(const hw::SwitchSpec& sw, const InaNetworkConfig& net,
               const std::vector<std::int32_t>& workers, TimeNs retransmit_timeout_ns);

  std::int32_t racks() const { return racks_; }
  std::int32_t ps_rack(std::int32_t job) const { return job % racks_; }
  std::int32_t worker_rack(std::int32_t job, std::int32_t worker) const {
    return (job + 1 + worker) % racks_;
  }
  int tor_node(std::int32_t rack) const { return 1 + rack; }
  int worker_node(std::int32_t job, std::int32_t worker) const {
    return first_host_[static_cast<std::size_t>(job)] + 1 + worker;
  }
  int ps_node(std::int32_t job) const { return first_host_[static_cast<std::size_t>(job)]; }
  const hw::Topology& topology() const { return topology_; }

  // One packet leaves `from` at `t` towards `to`: queued on every link of the route; returns
  // when it has reached `to` (every switch it enters adds its pipeline latency). Sets `marked` when
  // a switch egress queue on the way was at the ECN threshold or deeper. A packet that finds a full
  // switch egress queue (buffer_packets > 0) is dropped and resent from `from` one retransmission
  // timeout later, as often as needed; it then counts as marked too (a loss), and `drops` counts
  // it.
  TimeNs send(int from, int to, TimeNs t, bool& marked);
  std::int64_t drops() const { return drops_; }
  // The same trip without queueing (results, which the model does not queue: docs/ina.md).
  TimeNs unqueued_ns(int from, int to);
  // Packets waiting on directed link `edge` at time `t` (for tests and the ECN rule).
  std::int64_t queue_packets(int edge, TimeNs t) const;

 private:
  const std::vector<int>& route(int from, int to);

  std::int32_t racks_;
  std::int64_t ecn_threshold_;
  std::int64_t buffer_;
  TimeNs retransmit_ns_;
  std::int64_t drops_ = 0;
  TimeNs pipeline_ns_;
  hw::Topology topology_;
  std::vector<int> first_host_;
  std::vector<TimeNs> serialize_ns_;  // per directed edge: one packet at the link's rate
  std::vector<TimeNs> latency_ns_;
  std::vector<TimeNs> free_ns_;      // when the link has sent everything queued on it
  std::vector<char> switch_egress_;  // the link leaves a switch (its queue may mark or drop)
  std::vector<char> enters_switch_;  // the link ends at a switch (its pipeline is charged)
  std::map<std::pair<int, int>, std::vector<int>> routes_;
};

}  // namespace xpusim::systems
