#include "xpusim/scenario/moe_scenario.hpp"
#include "xpusim/scenario/system_kinds.hpp"

#include <sstream>

#include "xpusim/hw/device_spec.hpp"
#include "xpusim/model/model_spec.hpp"
#include <optional>

#include <spdlog/spdlog.h>

#include "xpusim/report/moe_metrics.hpp"
#include "xpusim/report/moe_timeline.hpp"
#include "xpusim/scenario/run_outputs.hpp"
#include "xpusim/scenario/step_progress.hpp"
#include "xpusim/scenario/device_model_sections.hpp"
#include "xpusim/scenario/moe_common.hpp"
#include "xpusim/scenario/kind_sections.hpp"
#include "xpusim/scenario/section_reader.hpp"
#include "xpusim/systems/expert_parallel_runner.hpp"
#include "xpusim/workload/zipf_routing.hpp"

namespace xpusim::scenario {

namespace fs = std::filesystem;

ParamSchema moe_cluster_schema() { return MoeClusterSection::binding().schema(); }
ParamSchema moe_run_schema() { return MoeRunSection::binding().schema(); }

ParamSchema moe_routing_schema() { return MoeRoutingSection::binding().schema(); }

namespace {

struct MoeSpec {
  fs::path path;
  std::string name;
  std::uint64_t seed = 1;
  double horizon_s = 0;
  hw::DeviceSpec device;
  model::ModelSpec model;
  policy::EpShape shape;
  systems::EpLinks links;
  systems::MoeRunConfig run;
  int seq_len = 4096;
  MoeRoutingSection routing;
  Selection placement;
  std::vector<std::pair<std::string, Params>> resolved;
};

class MoeScenario final : public LoadedScenario {
 public:
  MoeScenario(MoeSpec spec, const Catalogs& catalogs)
      : spec_(std::move(spec)), catalogs_(catalogs) {}
  const std::string& name() const override { return spec_.name; }
  std::uint64_t seed() const override { return spec_.seed; }

  RunResult run(const RunOptions& options) const override {
    const auto routing = make_routing();
    auto placement =
        catalogs_.expert_placement.find(spec_.placement.name)->make(spec_.placement.params);
    const systems::MoeCostModel cost(spec_.model, spec_.device, spec_.shape, spec_.links,
                                     spec_.run.training, spec_.seq_len);
    spdlog::debug("moe: placement {}, {} GPUs x {} expert slots, {} steps", spec_.placement.name,
                  spec_.shape.gpus, spec_.shape.slots_per_gpu, spec_.run.steps);
    report::MoeMetrics metrics(routing->layers());
    systems::MoeObserver* observer = &metrics;
    std::optional<report::AtomicFile> timeline_file;
    std::optional<report::MoeTimeline> timeline;
    if (options.timeline && !options.out_dir.empty()) {
      create_output_dir(options.out_dir);
      timeline_file.emplace(options.out_dir / "timeline.json");
      observer = &timeline.emplace(timeline_file->stream(), metrics, options.timeline_max_tracks);
    }
    report::ProgressMeter meter({options.progress, options.progress_bar, options.progress_every_s},
                                spec_.name);
    MoeStepProgress progress(*observer, meter, spec_.run.steps, spec_.run.horizon_s);
    systems::ExpertParallelRunner runner(spec_.run, spec_.shape, cost, *routing, *placement,
                                         progress);
    const TimeNs end = runner.run();
    meter.done();
    if (timeline) {
      timeline->finish();
      if (timeline->steps_without_detail() > 0)
        spdlog::warn("timeline: {} steps beyond the first {} show no layer passes "
                     "(--timeline-max-tracks)", timeline->steps_without_detail(),
                     options.timeline_max_tracks);
    }

    RunResult result;
    result.events = runner.layer_passes();
    nlohmann::json summary = metrics.summary();
    add_run_fields(summary, ns_to_seconds(end), result.events, spec_.seed, spec_.resolved);
    result.summary = summary;
    if (!options.out_dir.empty()) {
      std::ostringstream steps, layers;
      metrics.write_steps_csv(steps);
      metrics.write_layers_csv(layers);
      std::vector<report::AtomicFile*> streamed;
      if (timeline_file) streamed.push_back(&*timeline_file);
      write_outputs(options,
                    {{"steps.csv", steps.str()},
                     {"layers.csv", layers.str()},
                     {"summary.json", summary.dump(2) + "\n"}},
                    streamed);
    }
    return result;
  }

 private:
  std::unique_ptr<workload::RoutingSource> make_routing() const {
    return make_moe_routing(spec_.routing, spec_.model,
                            static_cast<std::int64_t>(spec_.run.tokens_per_micro_batch),
                            spec_.run.micro_batches, spec_.seed, spec_.path, true);
  }

  MoeSpec spec_;
  const Catalogs& catalogs_;
};

void check_shape(SectionReader& ld, MoeSpec& spec, const MoeClusterSection& cluster) {
  const Location at = ld.doc.locate(ld.section("cluster"), "cluster");
  const int gpus = spec.shape.gpus;
  const int slots = spec.model.num_experts + cluster.redundant_experts;
  if (slots % gpus != 0)
    ld.diag.error(at, "cluster.redundant_experts",
                  std::to_string(spec.model.num_experts) + " experts + " +
                      std::to_string(cluster.redundant_experts) +
                      " redundant = " + std::to_string(slots) + " slots do not split evenly over " +
                      std::to_string(gpus) + " GPUs");
  spec.shape.slots_per_gpu = std::max(1, slots / gpus);
}

// Runs the chosen policy once on uniform loads so a shape it cannot place is reported at load.
void check_policy(SectionReader& ld, const MoeSpec& spec, const Catalogs& catalogs) {
  const auto* entry = catalogs.expert_placement.find(spec.placement.name);
  if (!entry) return;
  try {
    auto policy = entry->make(spec.placement.params);
    const std::vector<double> uniform(spec.shape.experts, 1.0);
    const policy::ExpertLayout empty{std::vector<int>(spec.shape.slots(), -1)};
    policy->place_batch({spec.shape, uniform, empty});
  } catch (const Error& e) {
    ld.diag.error(ld.doc.locate(ld.section("placement"), "placement"), "placement.policy",
                  e.what());
  }
}

// The `run:` section as the runner's configuration.
systems::MoeRunConfig run_config(const MoeRunSection& run, double horizon_s) {
  systems::MoeRunConfig c;
  c.training = run.training;
  c.steps = run.steps;
  c.micro_batches = c.training ? run.micro_batches : 1;
  c.tokens_per_micro_batch = static_cast<double>(run.tokens_per_micro_batch);
  c.routing_replay = run.routing_replay;
  c.history_weight = run.history_weight;
  c.rebalance_every = run.rebalance_every;
  c.overlap_micro_batch_moves = run.overlap_micro_batch_moves;
  c.horizon_s = horizon_s;
  return c;
}

MoeSpec load_spec(KindReader& r) {
  SectionReader& ld = r.ld;
  Diagnostics& diag = ld.diag;
  const YamlDocument& doc = ld.doc;
  const Catalogs& catalogs = r.catalogs;
  MoeSpec spec;
  spec.path = doc.path();
  DeviceAndModel dm = read_device_and_model(r);
  spec.device = dm.device;
  spec.model = dm.model;
  const Params cluster_params = r.plain("cluster");
  const Params run_params = r.plain("run");
  const Params routing_params = r.plain("routing");
  r.select("placement", spec.placement);
  diag.throw_if_any();
  spec.routing = MoeRoutingSection::binding().bind(routing_params);

  const MoeClusterSection cluster = MoeClusterSection::binding().bind(cluster_params);
  const MoeRunSection run = MoeRunSection::binding().bind(run_params);
  check_moe_model_and_routing(spec.model, spec.routing, spec.path, "moe", ld,
                              run.tokens_per_micro_batch);
  diag.throw_if_any();

  spec.name = r.name();
  spec.seed = r.seed();
  spec.horizon_s = r.horizon_s();
  spec.shape.experts = spec.model.num_experts;
  spec.shape.expert_groups = spec.model.expert_groups;
  spec.shape.nodes = cluster.nodes;
  spec.shape.gpus = spec.shape.nodes * cluster.gpus_per_node;
  check_shape(ld, spec, cluster);
  const double nvlink = cluster.nvlink_gbps * 1e9;
  spec.links.nvlink_bw_bytes_per_s = nvlink > 0 ? nvlink : spec.device.scaleup_bw_bytes_per_s;
  if (spec.links.nvlink_bw_bytes_per_s <= 0 && cluster.gpus_per_node > 1)
    diag.error(doc.locate(ld.section("cluster"), "cluster"), "cluster.nvlink_gbps",
               "the device has no scale-up link; give nvlink_gbps > 0");
  spec.links.nvlink_latency_s = cluster.nvlink_latency_us * 1e-6;
  spec.links.network_bw_bytes_per_s = cluster.network_gbps * 1e9;
  spec.links.network_latency_s = cluster.network_latency_us * 1e-6;
  spec.run = run_config(run, spec.horizon_s);
  spec.seq_len = run.seq_len;
  diag.throw_if_any();
  check_policy(ld, spec, catalogs);
  diag.throw_if_any();
  spec.resolved = r.resolved();
  return spec;
}

}  // namespace

SystemKind moe_kind() {
  SystemKind k;
  k.name = "moe";
  k.description =
      "MoE layers under expert parallelism: training steps or serving iterations, expert "
      "placement and replication";
  k.sections = {
      hardware_section("the GPU of the expert-parallel group, e.g. {preset: h100-sxm}"),
      model_section("an MoE model, e.g. {preset: mixtral-8x7b}"),
      plain_section("cluster", "the expert-parallel group and its links", moe_cluster_schema),
      plain_section("run", "training steps or serving iterations", moe_run_schema),
      plain_section("routing", "token-to-expert routing", moe_routing_schema),
      selection_section("placement", "expert placement policies", &Catalogs::expert_placement,
                        "policy", "static"),
  };
  k.load = [](KindReader& r) -> std::unique_ptr<LoadedScenario> {
    return std::make_unique<MoeScenario>(load_spec(r), r.catalogs);
  };
  return k;
}

}  // namespace xpusim::scenario
