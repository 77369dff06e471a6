#include "xpusim/hw/topology.hpp"

#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/property_map/function_property_map.hpp>

#include <algorithm>

#include "xpusim/core/error.hpp"

namespace xpusim::hw {

namespace {
// Route cost = hops x kHop + latency: any extra hop outweighs every realistic latency sum
// (a million seconds), so the shortest path has the fewest hops and, among those, the least
// latency.
constexpr double kHopCost = 1e6;
}  // namespace

int Topology::add_node(const std::string& name) {
  XPUSIM_CHECK(!by_name_.count(name), "topology node added twice: " + name);
  const int id = static_cast<int>(boost::add_vertex(graph_));
  names_.push_back(name);
  by_name_[name] = id;
  return id;
}

int Topology::add_link(int a, int b, double bandwidth_bytes_per_s, double latency_s) {
  const int n = static_cast<int>(names_.size());
  XPUSIM_CHECK(a >= 0 && a < n && b >= 0 && b < n && a != b, "link between unknown nodes");
  XPUSIM_CHECK(bandwidth_bytes_per_s > 0 && latency_s >= 0,
               "link needs a positive bandwidth and a non-negative latency");
  const int id = static_cast<int>(links_.size());
  boost::add_edge(static_cast<std::size_t>(a), static_cast<std::size_t>(b), id, graph_);
  boost::add_edge(static_cast<std::size_t>(b), static_cast<std::size_t>(a), id + 1, graph_);
  links_.push_back({bandwidth_bytes_per_s, latency_s});
  links_.push_back({bandwidth_bytes_per_s, latency_s});
  return id;
}

int Topology::node(const std::string& name) const {
  const auto it = by_name_.find(name);
  if (it == by_name_.end()) throw Error("topology has no node '" + name + "'");
  return it->second;
}

std::vector<int> Topology::route(int from, int to) const {
  const int n = static_cast<int>(names_.size());
  XPUSIM_CHECK(from >= 0 && from < n && to >= 0 && to < n, "route between unknown nodes");
  if (from == to) return {};
  const auto index = boost::get(boost::edge_index, graph_);
  std::vector<double> dist(names_.size());
  std::vector<std::size_t> pred(names_.size());
  auto weight = boost::make_function_property_map<Graph::edge_descriptor, double>(
      [&](const Graph::edge_descriptor& e) {
        return kHopCost + links_[static_cast<std::size_t>(index[e])].latency_s;
      });
  boost::dijkstra_shortest_paths(
      graph_, static_cast<std::size_t>(from),
      boost::weight_map(weight)
          .distance_map(boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, graph_)))
          .predecessor_map(boost::make_iterator_property_map(pred.begin(), boost::get(boost::vertex_index, graph_))));
  if (pred[static_cast<std::size_t>(to)] == static_cast<std::size_t>(to))
    throw Error("no route from " + names_[static_cast<std::size_t>(from)] + " to " +
                names_[static_cast<std::size_t>(to)]);
  std::vector<int> edges;
  for (std::size_t v = static_cast<std::size_t>(to); v != static_cast<std::size_t>(from); v = pred[v]) {
    // Of parallel edges u->v, the first added with the least latency is the one Dijkstra took.
    const std::size_t u = pred[v];
    int best = -1;
    for (auto [it, end] = boost::out_edges(u, graph_); it != end; ++it) {
      if (boost::target(*it, graph_) != v) continue;
      const int e = index[*it];
      if (best < 0 || links_[static_cast<std::size_t>(e)].latency_s <
                          links_[static_cast<std::size_t>(best)].latency_s)
        best = e;
    }
    edges.push_back(best);
  }
  std::reverse(edges.begin(), edges.end());
  return edges;
}

double Topology::route_latency_s(const std::vector<int>& edges) const {
  double s = 0;
  for (const int e : edges) s += link(e).latency_s;
  return s;
}

}  // namespace xpusim::hw
