#include "xpusim/scenario/moe_offload_scenario.hpp"
#include "xpusim/scenario/system_kinds.hpp"

#include <algorithm>
#include <sstream>

#include "xpusim/hw/device_spec.hpp"
#include "xpusim/model/model_spec.hpp"
#include <optional>

#include <spdlog/spdlog.h>

#include "xpusim/report/offload_metrics.hpp"
#include "xpusim/report/offload_timeline.hpp"
#include "xpusim/scenario/run_outputs.hpp"
#include "xpusim/scenario/step_progress.hpp"
#include "xpusim/scenario/device_model_sections.hpp"
#include "xpusim/scenario/moe_common.hpp"
#include "xpusim/scenario/kind_sections.hpp"
#include "xpusim/scenario/moe_scenario.hpp"
#include "xpusim/scenario/section_reader.hpp"
#include "xpusim/systems/offload_runner.hpp"

namespace xpusim::scenario {

namespace fs = std::filesystem;

ParamSchema offload_run_schema() { return OffloadRunSection::binding().schema(); }
ParamSchema offload_cache_schema() { return OffloadCacheSection::binding().schema(); }
ParamSchema offload_cpu_schema() { return OffloadCpuSection::binding().schema(); }

namespace {

struct OffloadSpec {
  fs::path path;
  std::string name;
  std::uint64_t seed = 1;
  hw::DeviceSpec device;
  model::ModelSpec model;
  systems::CpuSpec cpu;
  systems::OffloadRunConfig run;
  int seq_len = 1024;
  int profile_iterations = 0;  // > 0: warm the cache with the profiled hottest experts
  double pcie_bw = 0, pcie_latency = 0;
  MoeRoutingSection routing;
  Selection policy;
  std::vector<std::pair<std::string, Params>> resolved;
};

class OffloadScenario final : public LoadedScenario {
 public:
  OffloadScenario(OffloadSpec spec, const Catalogs& catalogs)
      : spec_(std::move(spec)), catalogs_(catalogs) {}
  const std::string& name() const override { return spec_.name; }
  std::uint64_t seed() const override { return spec_.seed; }

  RunResult run(const RunOptions& options) const override {
    std::unique_ptr<workload::RoutingSource> routing = make_routing();
    systems::OffloadRunConfig run_config = spec_.run;
    if (spec_.profile_iterations > 0) run_config.warm = systems::hottest_experts(*make_routing(), spec_.profile_iterations,
                                                 spec_.run.capacity);
    auto policy = catalogs_.expert_offload.find(spec_.policy.name)->make(spec_.policy.params);
    const systems::OffloadCostModel cost(spec_.model, spec_.device, spec_.cpu, spec_.pcie_bw,
                                         spec_.pcie_latency, spec_.run.prefill, spec_.seq_len);
    spdlog::debug("moe_offload: policy {}, {} experts per layer cached, {} iterations",
                  spec_.policy.name, run_config.capacity, run_config.iterations);
    report::OffloadMetrics metrics;
    systems::OffloadObserver* observer = &metrics;
    std::optional<report::AtomicFile> timeline_file;
    std::optional<report::OffloadTimeline> timeline;
    if (options.timeline && !options.out_dir.empty()) {
      create_output_dir(options.out_dir);
      timeline_file.emplace(options.out_dir / "timeline.json");
      observer = &timeline.emplace(timeline_file->stream(), metrics, options.timeline_max_tracks);
    }
    report::ProgressMeter meter({options.progress, options.progress_bar, options.progress_every_s},
                                spec_.name);
    OffloadStepProgress progress(*observer, meter, run_config.iterations, run_config.horizon_s);
    systems::OffloadRunner runner(run_config, cost, *routing, *policy, progress);
    const TimeNs end = runner.run();
    meter.done();
    if (timeline) {
      timeline->finish();
      if (timeline->iterations_without_track() > 0)
        spdlog::warn("timeline: {} iterations beyond the first {} are not drawn "
                     "(--timeline-max-tracks)", timeline->iterations_without_track(),
                     options.timeline_max_tracks);
    }
    RunResult result;
    result.events = runner.layer_passes();
    nlohmann::json summary = metrics.summary();
    add_run_fields(summary, ns_to_seconds(end), result.events, spec_.seed, spec_.resolved);
    result.summary = summary;
    if (!options.out_dir.empty()) {
      std::ostringstream its;
      metrics.write_iterations_csv(its);
      std::vector<report::AtomicFile*> streamed;
      if (timeline_file) streamed.push_back(&*timeline_file);
      write_outputs(options,
                    {{"iterations.csv", its.str()}, {"summary.json", summary.dump(2) + "\n"}},
                    streamed);
    }
    return result;
  }

 private:
  std::unique_ptr<workload::RoutingSource> make_routing() const {
    return make_moe_routing(spec_.routing, spec_.model,
                            static_cast<std::int64_t>(spec_.run.tokens_per_iteration), 1,
                            spec_.seed, spec_.path);
  }

  OffloadSpec spec_;
  const Catalogs& catalogs_;
};

OffloadSpec load_spec(KindReader& r) {
  SectionReader& ld = r.ld;
  Diagnostics& diag = ld.diag;
  const YamlDocument& doc = ld.doc;
  OffloadSpec spec;
  spec.path = doc.path();
  DeviceAndModel dm = read_device_and_model(r);
  spec.device = dm.device;
  spec.model = dm.model;
  const Params cpu_params = r.plain("cpu");
  const Params cache_params = r.plain("cache");
  const Params run_params = r.plain("run");
  const Params routing_params = r.plain("routing");
  r.select("offload", spec.policy);
  diag.throw_if_any();
  spec.routing = MoeRoutingSection::binding().bind(routing_params);
  const OffloadCpuSection cpu = OffloadCpuSection::binding().bind(cpu_params);
  const OffloadCacheSection cache = OffloadCacheSection::binding().bind(cache_params);
  const OffloadRunSection run = OffloadRunSection::binding().bind(run_params);
  check_moe_model_and_routing(spec.model, spec.routing, spec.path, "moe_offload", ld);
  if (cache.experts_per_layer > spec.model.num_experts)
    diag.error(doc.locate(ld.section("cache"), "cache"), "cache.experts_per_layer",
               "is " + std::to_string(cache.experts_per_layer) +
                   " but the model has only " + std::to_string(spec.model.num_experts) +
                   " experts per layer");
  spec.pcie_bw = cache.pcie_gbps > 0 ? cache.pcie_gbps * 1e9 : spec.device.pcie_bw_bytes_per_s;
  if (spec.pcie_bw <= 0)
    diag.error(doc.locate(ld.section("cache"), "cache"), "cache.pcie_gbps",
               "the device has no PCIe bandwidth; give pcie_gbps > 0");
  diag.throw_if_any();
  spec.name = r.name();
  spec.seed = r.seed();
  spec.pcie_latency = cache.pcie_latency_us * 1e-6;
  spec.cpu = {cpu.tflops * 1e12, cpu.memory_bw_gbps * 1e9, cpu.launch_us * 1e-6};
  spec.run.prefill = run.prefill;
  spec.run.iterations = run.iterations;
  spec.run.tokens_per_iteration = static_cast<double>(run.tokens_per_iteration);
  spec.run.capacity = cache.experts_per_layer;
  spec.run.top_k = spec.model.experts_top_k;
  spec.run.horizon_s = r.horizon_s();
  spec.seq_len = run.seq_len;
  if (cache.profiled) spec.profile_iterations = cache.profile_iterations;
  spec.resolved = r.resolved();
  return spec;
}

}  // namespace

SystemKind moe_offload_kind() {
  SystemKind k;
  k.name = "moe_offload";
  k.description =
      "MoE inference with experts offloaded to host memory behind a GPU expert cache: PCIe "
      "fetch vs CPU compute";
  k.sections = {
      hardware_section("the GPU, e.g. {preset: l4}"),
      model_section("an MoE model, e.g. {preset: mixtral-8x7b}"),
      plain_section("cpu", "the host CPU that may run experts", offload_cpu_schema),
      plain_section("cache", "the GPU expert cache and its PCIe link", offload_cache_schema),
      plain_section("run", "decode or prefill iterations", offload_run_schema),
      plain_section("routing", "token-to-expert routing (as for system: moe)", moe_routing_schema),
      selection_section("offload", "expert offload policies", &Catalogs::expert_offload, "policy",
                        "fetch_on_demand"),
  };
  k.load = [](KindReader& r) -> std::unique_ptr<LoadedScenario> {
    return std::make_unique<OffloadScenario>(load_spec(r), r.catalogs);
  };
  return k;
}

}  // namespace xpusim::scenario
