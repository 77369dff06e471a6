#pragma once
// Transfers over a Topology's links, as fluids: a transfer of B bytes first waits its route's
// latency (charged once, up front: the time for the first byte to arrive), then moves its
// bytes at rate = min over its links of (link bandwidth / transfers active on that link).
// Rates are recomputed, and completions rescheduled, whenever a transfer joins or leaves a
// link (as MemoryDomain does for memory bandwidth). Transfer slots and routes are recycled,
// so nothing is allocated per transfer after warm-up.
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "xpusim/core/event_queue.hpp"
#include "xpusim/core/simulator.hpp"
#include "xpusim/hw/topology.hpp"

namespace xpusim::hw {

// Told when a transfer it started has delivered its last byte.
class TransferListener {
 public:
  virtual ~TransferListener() = default;
  virtual void on_transfer_done(std::uint64_t cookie, TimeNs now) = 0;
};

class LinkFabric final : public EventHandler {
 public:
  LinkFabric(Simulator& sim, const Topology& topology);

  // Starts moving `bytes` from node `from` to node `to`; the listener gets `cookie` back.
  void start(int from, int to, double bytes, TransferListener& listener, std::uint64_t cookie);
  std::size_t active() const { return active_count_; }
  // Transfers currently moving bytes over a directed edge (not those still in latency).
  int load(int edge) const {
    const auto e = static_cast<std::size_t>(edge);
    return e < link_load_.size() ? link_load_[e] : 0;
  }

  // Takes a full-duplex link (the a->b edge id add_link returned, and its reverse) down or
  // back up (faults, docs/faults.md). While it is down, transfers routed over it stall at rate
  // 0 and resume where they were when it is back: nothing is lost (the transport retries).
  void set_link_down(int edge, bool down);
  bool link_down(int edge) const {
    const auto e = static_cast<std::size_t>(edge);
    return e < link_down_.size() && link_down_[e] != 0;
  }

  void on_event(std::uint32_t tag, std::uint64_t payload) override;

 private:
  struct Transfer {
    double remaining_bytes = 0;
    double rate = 0;  // bytes per second while flowing
    const std::vector<int>* route = nullptr;
    TransferListener* listener = nullptr;
    std::uint64_t cookie = 0;
    EventId done_event;
    std::uint32_t generation = 0;
    bool live = false;
    bool flowing = false;  // past its latency
  };
  const std::vector<int>& cached_route(int from, int to);
  void begin_flow(std::uint32_t index);
  void complete(std::uint32_t index);
  void advance_to(TimeNs now);
  void reschedule();
  std::uint32_t take_slot();

  Simulator& sim_;
  const Topology& topology_;
  std::map<std::pair<int, int>, std::vector<int>> routes_;  // stable addresses
  std::vector<Transfer> transfers_;
  std::vector<std::uint32_t> free_;
  std::vector<int> link_load_;
  std::vector<char> link_down_;  // per directed edge; empty until a link first fails
  std::vector<int> moving_load_;  // reschedule()'s scratch while a link is down
  std::size_t active_count_ = 0;
  TimeNs last_update_ = 0;
};

}  // namespace xpusim::hw
