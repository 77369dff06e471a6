#pragma once
// The machines' network as a graph: named nodes (devices, hosts, switches) joined by links
// with a bandwidth per direction and a latency. Routes are found on it (Boost.Graph), so a
// transfer between two devices knows which links it shares with others.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

namespace xpusim::hw {

// One direction of a link.
struct LinkSpec {
  double bandwidth_bytes_per_s = 0;
  double latency_s = 0;
};

class Topology {
 public:
  // Adds a node; names are unique. Returns its id (0, 1, ... in order of addition).
  int add_node(const std::string& name);
  // Joins two nodes with a full-duplex link: two directed edges of the same bandwidth and
  // latency, so traffic in one direction never slows the other. Returns the a->b edge id;
  // b->a is that id + 1.
  int add_link(int a, int b, double bandwidth_bytes_per_s, double latency_s);

  int node(const std::string& name) const;  // throws xpusim::Error when unknown
  const std::string& node_name(int id) const { return names_.at(static_cast<std::size_t>(id)); }
  std::size_t node_count() const { return names_.size(); }
  std::size_t edge_count() const { return links_.size(); }
  const LinkSpec& link(int edge) const { return links_.at(static_cast<std::size_t>(edge)); }
  // Directed edge ids from a to b: fewest hops, ties broken by lower total latency, then by
  // the order links were added (deterministic). Empty when a == b; throws when unreachable.
  std::vector<int> route(int from, int to) const;
  // Sum of the latencies along a route.
  double route_latency_s(const std::vector<int>& edges) const;

 private:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS,
                                      boost::no_property, boost::property<boost::edge_index_t, int>>;
  Graph graph_;
  std::vector<std::string> names_;
  std::map<std::string, int> by_name_;
  std::vector<LinkSpec> links_;
};

}  // namespace xpusim::hw
