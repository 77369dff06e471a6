#include "xpusim/policy/expert_placement/eplb_algorithm.hpp"

#include <algorithm>
#include <numeric>

#include "xpusim/core/error.hpp"

namespace xpusim::policy::eplb {

Packing balanced_packing(const std::vector<double>& weight, int packs) {
  const int n = static_cast<int>(weight.size());
  XPUSIM_CHECK(packs > 0 && n % packs == 0, "balanced_packing: items must split evenly");
  const int per_pack = n / packs;
  Packing out{std::vector<int>(n, -1), std::vector<int>(n, -1)};
  if (per_pack == 1) {
    std::iota(out.pack.begin(), out.pack.end(), 0);
    std::fill(out.rank.begin(), out.rank.end(), 0);
    return out;
  }
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return weight[a] > weight[b]; });
  std::vector<double> load(packs, 0.0);
  std::vector<int> count(packs, 0);
  for (int item : order) {
    int best = -1;
    for (int p = 0; p < packs; ++p)
      if (count[p] < per_pack && (best < 0 || load[p] < load[best])) best = p;
    out.pack[item] = best;
    out.rank[item] = count[best];
    load[best] += weight[item];
    ++count[best];
  }
  return out;
}

Replication replicate_experts(const std::vector<double>& weight, int num_phy) {
  const int n_log = static_cast<int>(weight.size());
  XPUSIM_CHECK(num_phy >= n_log, "replicate_experts: fewer slots than experts");
  Replication r;
  r.phy2log.resize(n_log);
  std::iota(r.phy2log.begin(), r.phy2log.end(), 0);
  r.rank.assign(n_log, 0);
  r.logcnt.assign(n_log, 1);
  for (int i = n_log; i < num_phy; ++i) {
    int best = 0;
    for (int e = 1; e < n_log; ++e)
      if (weight[e] / r.logcnt[e] > weight[best] / r.logcnt[best]) best = e;
    r.phy2log.push_back(best);
    r.rank.push_back(r.logcnt[best]);
    ++r.logcnt[best];
  }
  return r;
}

std::vector<int> rebalance_hierarchical(const std::vector<double>& weight, int replicas, int groups,
                                        int nodes, int gpus) {
  const int experts = static_cast<int>(weight.size());
  XPUSIM_CHECK(groups > 0 && experts % groups == 0, "EPLB: experts must split into groups");
  XPUSIM_CHECK(groups % nodes == 0 && gpus % nodes == 0 && replicas % gpus == 0,
               "EPLB: groups and GPUs must split over nodes, replicas over GPUs");
  const int group_size = experts / groups;
  const int groups_per_node = groups / nodes;
  const int per_gpu = replicas / gpus;
  const int log_per_node = experts / nodes;
  const int phy_per_node = replicas / nodes;

  // Step 1: groups onto nodes; node k owns the contiguous "mlog" ids of its groups.
  std::vector<double> group_tokens(groups, 0.0);
  for (int e = 0; e < experts; ++e) group_tokens[e / group_size] += weight[e];
  const Packing gp = balanced_packing(group_tokens, nodes);
  std::vector<int> mlog2log(experts);
  for (int e = 0; e < experts; ++e) {
    const int g = e / group_size;
    mlog2log[(gp.pack[g] * groups_per_node + gp.rank[g]) * group_size + e % group_size] = e;
  }

  std::vector<int> phy2log(replicas);
  for (int node = 0; node < nodes; ++node) {
    // Step 2: replicate within the node.
    std::vector<double> w(log_per_node);
    for (int i = 0; i < log_per_node; ++i) w[i] = weight[mlog2log[node * log_per_node + i]];
    const Replication rep = replicate_experts(w, phy_per_node);
    // Step 3: the node's replicas onto its GPUs, each replica carrying its share of the load.
    std::vector<double> phy_tokens(phy_per_node);
    for (int p = 0; p < phy_per_node; ++p)
      phy_tokens[p] = w[rep.phy2log[p]] / rep.logcnt[rep.phy2log[p]];
    const Packing pk = balanced_packing(phy_tokens, gpus / nodes);
    for (int p = 0; p < phy_per_node; ++p) {
      const int pphy = pk.pack[p] * per_gpu + pk.rank[p];
      phy2log[node * phy_per_node + pphy] = mlog2log[node * log_per_node + rep.phy2log[p]];
    }
  }
  return phy2log;
}

std::vector<int> rebalance_experts(const std::vector<double>& weight, int replicas, int groups,
                                   int nodes, int gpus) {
  if (groups % nodes == 0) return rebalance_hierarchical(weight, replicas, groups, nodes, gpus);
  return rebalance_hierarchical(weight, replicas, 1, 1, gpus);
}

}  // namespace xpusim::policy::eplb
