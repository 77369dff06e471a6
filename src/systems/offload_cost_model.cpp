#include "xpusim/systems/offload_cost_model.hpp"

#include <algorithm>
#include <utility>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

OffloadCostModel::OffloadCostModel(const model::ModelSpec& model, const hw::DeviceSpec& device,
                                   CpuSpec cpu, double pcie_bw_bytes_per_s, double pcie_latency_s,
                                   bool prefill, int seq_len, model::RooflineFactors factors,
                                   std::shared_ptr<const model::ExecutionModel> experts)
    : gpu_(model, device, policy::EpShape{model.num_experts, 1, 1, model.num_experts}, EpLinks{},
           prefill, seq_len, factors, std::move(experts)),
      cpu_(cpu),
      pcie_bw_(pcie_bw_bytes_per_s),
      pcie_latency_(pcie_latency_s),
      expert_bytes_(gpu_.expert_bytes()),
      flops_per_token_(2.0 * model.expert_params()) {
  if (pcie_bw_ <= 0) throw Error("offload needs a host link: pcie bandwidth must be > 0");
}

double OffloadCostModel::gpu_seconds(std::int64_t tokens) const {
  return gpu_.expert_seconds(static_cast<double>(tokens), 1);
}

double OffloadCostModel::cpu_seconds(std::int64_t tokens) const {
  if (tokens <= 0) return 0.0;
  return std::max(tokens * flops_per_token_ / cpu_.flops,
                  expert_bytes_ / cpu_.memory_bw_bytes_per_s);
}

double OffloadCostModel::fetch_seconds() const { return expert_bytes_ / pcie_bw_ + pcie_latency_; }

}  // namespace xpusim::systems
