#include "xpusim/systems/ina_leaf_spine.hpp"

#include <algorithm>
#include <string>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

InaLeafSpine::InaLeafSpine(const hw::SwitchSpec& sw, const InaNetworkConfig& net,
                           const std::vector<std::int32_t>& workers, TimeNs retransmit_timeout_ns)
    : racks_(net.racks),
      ecn_threshold_(net.ecn_threshold_packets),
      buffer_(net.buffer_packets),
      retransmit_ns_(retransmit_timeout_ns),
      pipeline_ns_(seconds_to_ns(sw.pipeline_latency_s)) {
  XPUSIM_CHECK(racks_ >= 1, "a leaf-spine needs at least one rack");
  const double wire = static_cast<double>(sw.packet_wire_bytes());
  const int spine = topology_.add_node("spine");
  auto link = [&](int a, int b, double bw, bool a_is_switch, bool b_is_switch) {
    topology_.add_link(a, b, bw, sw.link_latency_s);
    for (int k = 0; k < 2; ++k) {
      serialize_ns_.push_back(duration_ns_ceil(wire / bw));
      latency_ns_.push_back(seconds_to_ns(sw.link_latency_s));
      free_ns_.push_back(0);
    }
    switch_egress_.push_back(a_is_switch ? 1 : 0);  // a -> b leaves a
    switch_egress_.push_back(b_is_switch ? 1 : 0);
    enters_switch_.push_back(b_is_switch ? 1 : 0);  // ... and enters b
    enters_switch_.push_back(a_is_switch ? 1 : 0);
  };
  for (std::int32_t r = 0; r < racks_; ++r) {
    const int tor = topology_.add_node("rack" + std::to_string(r));
    link(tor, spine, net.spine_bw_bytes_per_s, true, true);
  }
  for (std::size_t j = 0; j < workers.size(); ++j) {
    const auto job = static_cast<std::int32_t>(j);
    const std::string name = "job" + std::to_string(j);
    first_host_.push_back(topology_.add_node(name + ".ps"));
    link(first_host_.back(), tor_node(ps_rack(job)), sw.port_bw_bytes_per_s, false, true);
    for (std::int32_t w = 0; w < workers[j]; ++w) {
      const int host = topology_.add_node(name + ".worker" + std::to_string(w));
      link(host, tor_node(worker_rack(job, w)), sw.port_bw_bytes_per_s, false, true);
    }
  }
}

const std::vector<int>& InaLeafSpine::route(int from, int to) {
  const auto key = std::make_pair(from, to);
  auto it = routes_.find(key);
  if (it == routes_.end()) it = routes_.emplace(key, topology_.route(from, to)).first;
  return it->second;
}

TimeNs InaLeafSpine::send(int from, int to, TimeNs sent, bool& marked) {
  for (std::int64_t tries = 0;; ++tries) {
    XPUSIM_CHECK(tries < 1000000, "a packet was dropped a million times");
    TimeNs t = sent + retransmit_ns_ * tries;
    bool dropped = false;
    for (const int e : route(from, to)) {
      const auto i = static_cast<std::size_t>(e);
      if (switch_egress_[i]) {
        const std::int64_t depth = queue_packets(e, t);
        if (buffer_ > 0 && depth >= buffer_) {  // dropped: resent after the timeout
          ++drops_;
          marked = true;
          dropped = true;
          break;
        }
        if (depth >= ecn_threshold_) marked = true;
      }
      free_ns_[i] = std::max(free_ns_[i], t) + serialize_ns_[i];
      t = free_ns_[i] + latency_ns_[i] + (enters_switch_[i] ? pipeline_ns_ : 0);
    }
    if (!dropped) return t;
  }
}

TimeNs InaLeafSpine::unqueued_ns(int from, int to) {
  TimeNs t = 0;
  for (const int e : route(from, to)) {
    const auto i = static_cast<std::size_t>(e);
    t += serialize_ns_[i] + latency_ns_[i] + (enters_switch_[i] ? pipeline_ns_ : 0);
  }
  return t;
}

std::int64_t InaLeafSpine::queue_packets(int edge, TimeNs t) const {
  const auto i = static_cast<std::size_t>(edge);
  if (free_ns_[i] <= t) return 0;
  return (free_ns_[i] - t + serialize_ns_[i] - 1) / serialize_ns_[i];
}

}  // namespace xpusim::systems
