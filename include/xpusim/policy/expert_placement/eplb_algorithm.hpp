#pragma once
// DeepSeek EPLB's placement algorithm (deepseek-ai/EPLB eplb.py at d52c72d), one layer at a
// time: greedy replication of the heaviest experts and balanced packing onto nodes and GPUs.
// Ties break as in the reference: the lowest index wins (stable sort, Python min, torch.max).
#include <vector>

namespace xpusim::policy::eplb {

struct Packing {
  std::vector<int> pack;  // pack of each item
  std::vector<int> rank;  // position of the item within its pack
};
// Items sorted by weight (descending) each go to the lightest pack that is not yet full;
// every pack ends with exactly n / packs items. Requires n % packs == 0.
Packing balanced_packing(const std::vector<double>& weight, int packs);

struct Replication {
  std::vector<int> phy2log;  // logical expert of each physical replica
  std::vector<int> rank;     // replica rank of each physical replica
  std::vector<int> logcnt;   // replicas per logical expert
};
// Adds replicas one at a time to the expert with the largest load per replica.
Replication replicate_experts(const std::vector<double>& weight, int num_phy);

// The hierarchical policy: groups packed onto nodes, replication within each node, replicas
// packed onto the node's GPUs. Returns phy2log of `replicas` slots (slot s on GPU
// s / (replicas / gpus)). Requires experts % groups == 0, groups % nodes == 0,
// gpus % nodes == 0, replicas % gpus == 0 and replicas >= experts.
std::vector<int> rebalance_hierarchical(const std::vector<double>& weight, int replicas, int groups,
                                        int nodes, int gpus);

// eplb.rebalance_experts: hierarchical when groups % nodes == 0, else the global policy
// (hierarchical with one group and one node).
std::vector<int> rebalance_experts(const std::vector<double>& weight, int replicas, int groups,
                                   int nodes, int gpus);

}  // namespace xpusim::policy::eplb
