#pragma once
// The simulated hardware's times of expert offload, which the offload policies also plan with:
// an expert's GEMMs on the GPU (roofline), on the host CPU, and its copy over PCIe
// (docs/moe.md, "Offload"). Shared by the moe_offload kind and serving's ExpertOffloadStage.
#include <cstdint>
#include <memory>

#include "xpusim/model/roofline_model.hpp"
#include "xpusim/policy/expert_offload/expert_offload_policy.hpp"
#include "xpusim/systems/moe_cost_model.hpp"

namespace xpusim::systems {

struct CpuSpec {
  double flops = 1e12;  // achieved bf16 FLOP/s of the expert kernel
  double memory_bw_bytes_per_s = 200e9;
  double launch_s = 100e-6;  // once per layer that uses the CPU
};

class OffloadCostModel final : public policy::OffloadTimes {
 public:
  // `prefill`: GEMMs at the prefill efficiency and a dense part over `seq_len`-token prompts;
  // otherwise decode. `factors`: the roofline's efficiencies (serving passes its execution
  // section's; the moe_offload kind the defaults); `experts`: as MoeCostModel's (the GPU's
  // expert GEMMs). Throws when the PCIe bandwidth is not > 0.
  OffloadCostModel(const model::ModelSpec& model, const hw::DeviceSpec& device, CpuSpec cpu,
                   double pcie_bw_bytes_per_s, double pcie_latency_s, bool prefill, int seq_len,
                   model::RooflineFactors factors = {},
                   std::shared_ptr<const model::ExecutionModel> experts = nullptr);
  double gpu_seconds(std::int64_t tokens) const override;
  double cpu_seconds(std::int64_t tokens) const override;
  double fetch_seconds() const override;
  double cpu_start_seconds() const override { return cpu_.launch_s; }
  // The non-expert part of one MoE layer for `tokens` tokens (the moe_offload kind's).
  double dense_seconds(double tokens) const { return gpu_.dense_seconds(tokens); }
  double expert_bytes() const { return expert_bytes_; }

 private:
  MoeCostModel gpu_;
  CpuSpec cpu_;
  double pcie_bw_, pcie_latency_, expert_bytes_, flops_per_token_;
};

}  // namespace xpusim::systems
