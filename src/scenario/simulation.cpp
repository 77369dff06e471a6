#include "xpusim/scenario/simulation.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>

#include "xpusim/core/error.hpp"
#include "xpusim/core/simulator.hpp"
#include "xpusim/hw/link_fabric.hpp"
#include "xpusim/hw/topology.hpp"
#include "xpusim/report/atomic_file.hpp"
#include "xpusim/report/energy_meter.hpp"
#include "xpusim/report/fault_stats.hpp"
#include "xpusim/report/kv_movement_stats.hpp"
#include "xpusim/report/prefix_cache_metrics.hpp"
#include "xpusim/report/progress_meter.hpp"
#include "xpusim/report/serving_metrics.hpp"
#include "xpusim/report/serving_moe_metrics.hpp"
#include "xpusim/report/serving_offload_metrics.hpp"
#include "xpusim/report/session_metrics.hpp"
#include "xpusim/report/tenant_service.hpp"
#include "xpusim/report/timeline_writer.hpp"
#include "xpusim/scenario/run_guard.hpp"
#include "xpusim/scenario/run_outputs.hpp"
#include "xpusim/scenario/serving_expert_parallel.hpp"
#include "xpusim/scenario/serving_offload.hpp"
#include "xpusim/scenario/serving_pool.hpp"
#include "xpusim/scenario/serving_run_checks.hpp"
#include "xpusim/systems/cluster.hpp"
#include "xpusim/systems/disaggregated_cluster.hpp"
#include "xpusim/systems/fault_injector.hpp"
#include "xpusim/systems/autoscaler.hpp"
#include "xpusim/systems/migration_coordinator.hpp"
#include "xpusim/systems/serving_observers.hpp"

namespace xpusim::scenario {

namespace fs = std::filesystem;

namespace {

// Everything one run owns, built from the spec. Members are declared in dependency order.
struct Run {
  const ScenarioSpec& spec;
  Simulator sim;
  using Pool = ServingPool;
  std::vector<Pool> pools;  // one per spec.pools entry, in its order
  std::optional<report::AtomicFile> requests_csv;
  std::optional<report::AtomicFile> timeline_file;
  std::optional<report::AtomicFile> tenant_csv;
  std::unique_ptr<report::ServingMetrics> metrics;
  std::unique_ptr<report::ServingMoeMetrics> moe_metrics;  // with expert parallelism only
  std::unique_ptr<report::ServingOffloadMetrics> offload_metrics;  // with expert offload only
  std::unique_ptr<report::TenantServiceMetrics> tenant_service;
  report::EnergyMeter energy;
  std::unique_ptr<report::TimelineWriter> timeline;
  systems::ServingObservers observers;
  report::KvMovementStats kv_movement;
  report::PrefixCacheMetrics prefix_metrics;
  report::SessionMetrics sessions;  // program-level JCT of multi-turn sessions
  std::int32_t prefix_id_tokens = 0;  // tokens per prefix hash of the workload
  hw::Topology topology;
  std::unique_ptr<hw::LinkFabric> fabric;
  std::unique_ptr<systems::Cluster> cluster;                    // colocated
  std::unique_ptr<systems::DisaggregatedCluster> disaggregated;  // prefill/decode pools
  std::unique_ptr<systems::MigrationCoordinator> migration;       // uses cluster's instances
  std::unique_ptr<systems::Autoscaler> autoscaler;                // with cluster.autoscale
  std::unique_ptr<report::FaultStats> fault_stats;                // with faults only
  std::unique_ptr<systems::FaultInjector> faults;                 // fails cluster's instances
  std::unique_ptr<systems::LinkFaultInjector> link_faults;        // fails fabric links
  std::map<std::string, int> host_links;                          // host name -> its switch link
  const Catalogs& catalogs;
  int device_id = 0;

  Run(const ScenarioSpec& s, const Catalogs& cat, const RunOptions& options) : spec(s), catalogs(cat) {
    if (spec.uses_expert_parallel()) moe_metrics = make_moe_metrics();
    for (const auto& p : spec.pools) pools.push_back(make_serving_pool(spec, catalogs, p));
    if (spec.expert_offload)
      offload_metrics = std::make_unique<report::ServingOffloadMetrics>(
          spec.offload.name, spec.offload_cache.experts_per_layer,
          pools.front().offload.decode->expert_bytes());
    workload::SourceContext ctx{spec.seed, spec.path.parent_path()};
    auto source = catalogs.sources.find(spec.workload.name)->make(spec.workload.params, ctx);
    prefix_id_tokens = source->prefix_block_tokens();
    if (!options.out_dir.empty()) {
      if (options.requests_csv_one_in > 0) requests_csv.emplace(options.out_dir / "requests.csv");
      tenant_csv.emplace(options.out_dir / "tenant_service.csv");
      if (options.timeline) {
        timeline_file.emplace(options.out_dir / "timeline.json");
        timeline = std::make_unique<report::TimelineWriter>(
            timeline_file->stream(),
            report::TimelineOptions{.max_request_tracks = options.timeline_max_tracks});
      }
    }
    metrics = std::make_unique<report::ServingMetrics>(
        report::SloTargets{spec.slo_ttft_s, spec.slo_tpot_s}, source->tenants(),
        requests_csv ? &requests_csv->stream() : nullptr,
        std::max<std::uint64_t>(options.requests_csv_one_in, 1));
    observers.add(*metrics);
    tenant_service = std::make_unique<report::TenantServiceMetrics>(
        source->tenants(),
        report::ServicePricing{spec.tenant_weights, spec.service_input_price,
                               spec.service_output_price, spec.service_window_s},
        tenant_csv ? &tenant_csv->stream() : nullptr);
    observers.add(*tenant_service);
    if (timeline) observers.add(*timeline);
    observers.add(kv_movement);
    observers.add(sessions);
    if (spec.prefix_cache) observers.add(prefix_metrics);
    auto router = catalogs.routers.find(spec.router.name)->make(spec.router.params);
    if (spec.faults) {
      fault_stats = std::make_unique<report::FaultStats>(static_cast<std::size_t>(spec.instances));
      observers.add(*fault_stats);
    }
    if (spec.disaggregated()) {
      build_disaggregated(std::move(source), std::move(router));
      if (spec.faults && spec.faults->instance_faults())
        faults = std::make_unique<systems::FaultInjector>(sim, *disaggregated, *spec.faults);
    } else {
      build_colocated(std::move(source), std::move(router));
      if (spec.faults && spec.faults->instance_faults())
        faults = std::make_unique<systems::FaultInjector>(sim, *cluster, *spec.faults);
    }
    if (spec.faults && spec.faults->link_faults()) {
      if (!fabric)
        throw Error("faults.links: this cluster has no KV-transfer links (a migration policy "
                    "with interval 0 never migrates)");
      std::vector<systems::LinkFault> links = spec.faults->links;
      for (auto& l : links) l.edge = host_links.at(l.host);  // names checked by the loader
      link_faults = std::make_unique<systems::LinkFaultInjector>(sim, *fabric, std::move(links), observers);
      if (spec.faults->link_mtbf_s > 0) {
        std::vector<systems::LinkFault> every;  // every instance's switch link, by host name
        for (const auto& [host, edge] : host_links) every.push_back({host, edge, 0, 0});
        link_faults->add_random(std::move(every), spec.faults->link_mtbf_s,
                                spec.faults->link_mttr_s, spec.faults->seed);
      }
    }
    spdlog::debug("serving: router {}, batching {}, fairness {}, migration {}, prefix cache {}",
                  spec.router.name, spec.batching.name, spec.fairness.name, spec.migration.name,
                  spec.prefix_cache ? spec.eviction.name : "off");
    for (std::size_t p = 0; p < pools.size(); ++p)
      spdlog::info("{} instance(s) of {} x {}, {} KV blocks of {} tokens each", spec.pools[p].count,
                   pools[p].devices, pools[p].device.name, pools[p].sizing.blocks,
                   spec.instance.block_size);
  }

  // The moe block's G: the single-pool keys' (expert_parallel, decode_expert_parallel), or
  // with cluster.pools the first expert-parallel pool's and every pool's in a list.
  std::unique_ptr<report::ServingMoeMetrics> make_moe_metrics() const {
    if (!spec.explicit_pools)
      return std::make_unique<report::ServingMoeMetrics>(
          spec.expert_parallel, spec.decode_expert_parallel, spec.placement.name);
    std::vector<int> per_pool;
    int first = 0;
    for (const auto& p : spec.pools) {
      per_pool.push_back(p.expert_parallel);
      if (first == 0) first = p.expert_parallel;
    }
    return std::make_unique<report::ServingMoeMetrics>(first, 0, spec.placement.name,
                                                       std::move(per_pool));
  }

  // Devices named `name`.gpuN; the first device's topology node is written to `first_node`
  // when the wiring hands KV over (disaggregation).
  std::unique_ptr<systems::ServingInstance> make_instance(int index, const std::string& name,
                                                          const Pool& pool,
                                                          systems::ServingInstance::Wiring extra,
                                                          int host = -1, int* first_node = nullptr) {
    std::vector<std::unique_ptr<hw::Device>> devices;
    for (int g = 0; g < pool.devices; ++g) {
      auto d = std::make_unique<hw::Device>(device_id++, name + ".gpu" + std::to_string(g), pool.device);
      energy.attach(*d);
      if (timeline) timeline->attach(*d);
      if (host >= 0) {
        // Each TP rank ships its KV shard over its own PCIe path to the NIC, so the
        // device-host hop is modelled as one link of TP x PCIe (or unlimited without PCIe);
        // the NIC (kv_link_gbps) is the usual bottleneck.
        const double bw = pool.device.pcie_bw_bytes_per_s > 0
                              ? pool.devices * pool.device.pcie_bw_bytes_per_s
                              : 1e18;
        const int node = topology.add_node(d->name());
        topology.add_link(node, host, bw, 0);
        if (g == 0 && first_node) *first_node = node;
      }
      devices.push_back(std::move(d));
    }
    extra.policy = catalogs.batching.find(spec.batching.name)->make(spec.batching.params);
    const policy::FairnessContext fair{spec.tenant_weights, spec.seed, index};
    extra.fairness = catalogs.fairness.find(spec.fairness.name)->make(spec.fairness.params, fair);
    extra.program_order = spec.instance.queue_order == systems::InstanceConfig::QueueOrder::Program;
    extra.priority = {spec.instance.preempt_for_priority, spec.instance.reprioritize_every};
    // Decode-only instances compute no prompts: the cache lives on the prefill pool (Mooncake).
    if (spec.prefix_cache && extra.role != systems::InstanceRole::DecodeOnly)
      extra.prefix_cache = make_prefix_cache(index, pool.sizing);
    if (pool.moe_cost)
      extra.expert_parallel =
          make_serving_ep_stage(spec, catalogs, index, *pool.moe_cost, *moe_metrics);
    if (pool.offload.decode)
      extra.expert_offload =
          make_serving_offload_stage(spec, catalogs, index, pool.offload, *offload_metrics);
    return std::make_unique<systems::ServingInstance>(index, std::move(extra), std::move(devices),
                                                      pool.sizing);
  }

  std::unique_ptr<systems::PrefixCache> make_prefix_cache(int index, const systems::KvSizing& sizing) {
    systems::PrefixCache::Config config;
    config.structure = spec.prefix_radix ? systems::PrefixCache::Structure::Radix
                                         : systems::PrefixCache::Structure::Hashed;
    config.block_size = spec.instance.block_size;
    config.id_tokens = prefix_id_tokens > 0 ? prefix_id_tokens : spec.instance.block_size;
    if (spec.prefix_host_tier_bytes > 0) {
      if (sizing.host_bw_bytes_per_s <= 0)
        throw Error("prefix_cache.host_tier_gb needs a host link: the device preset has no PCIe bandwidth");
      config.host_blocks = std::max<std::int64_t>(
          1, static_cast<std::int64_t>(spec.prefix_host_tier_bytes / sizing.block_bytes));
    }
    auto policy = catalogs.eviction.find(spec.eviction.name)->make(spec.eviction.params);
    return std::make_unique<systems::PrefixCache>(
        config, systems::PrefixCache::Wiring{index, std::move(policy), prefix_metrics});
  }

  // A host node for one instance, linked to the one switch every host hangs off (made with
  // the fabric on first use): KV hand-offs and migrations cross host - switch - host.
  int kv_switch = -1;
  void ensure_fabric() {
    if (kv_switch >= 0) return;
    kv_switch = topology.add_node("kv_switch");
    fabric = std::make_unique<hw::LinkFabric>(sim, topology);
  }
  int add_host(const std::string& name) {
    ensure_fabric();
    const int host = topology.add_node(name);
    host_links[name] =
        topology.add_link(host, kv_switch, spec.kv_link_bw_bytes_per_s, spec.kv_link_latency_s);
    return host;
  }

  // Colocated instances; with a migration policy, each on its own host (as disaggregated).
  void build_colocated(std::unique_ptr<workload::RequestSource> source,
                       std::unique_ptr<policy::Router> router) {
    cluster = std::make_unique<systems::Cluster>(sim, std::move(source), std::move(router), observers);
    observers.add(cluster->feed());  // last: closed-loop sources hear of ends after the metrics
    auto policy = catalogs.migration.find(spec.migration.name)->make(spec.migration.params);
    const bool migrate = policy->settings().interval_s > 0;
    std::vector<int> nodes;
    int i = 0;
    // Auto-scaling builds max_instances (one pool); those beyond `instances` start off.
    const bool scale = spec.autoscale.enabled;
    for (std::size_t p = 0; p < pools.size(); ++p)
      for (int k = 0; k < (scale ? spec.autoscale.max_instances : spec.pools[p].count); ++k, ++i) {
        const std::string name = "inst" + std::to_string(i);
        int node = -1;
        const int host = migrate ? add_host(name) : -1;
        const Pool& pool = pools[p];
        cluster->add_instance(
            make_instance(i, name, pool, {sim, *pool.exec, nullptr, observers}, host, &node),
            pool.capacity);
        nodes.push_back(node);
      }
    if (migrate) {
      migration = std::make_unique<systems::MigrationCoordinator>(
          sim, cluster->instances(), std::move(nodes), *fabric, std::move(policy), observers,
          spec.model.kv_bytes_per_token());
      cluster->set_migration(*migration);
    }
    if (!scale) return;
    autoscaler = std::make_unique<systems::Autoscaler>(
        sim, *cluster, migration.get(), policy::FreenessScaling(spec.autoscale), spec.instances);
    cluster->set_autoscaler(*autoscaler);
  }

  // One host per instance, its devices linked to it, every host linked to one switch.
  void build_disaggregated(std::unique_ptr<workload::RequestSource> source,
                           std::unique_ptr<policy::Router> router) {
    ensure_fabric();
    systems::KvTransferConfig kv{spec.model.kv_bytes_per_token(), spec.kv_transfer_per_layer,
                                 std::max(1, spec.model.num_layers)};
    kv.output_to_prefill = spec.prefix_cache && spec.prefix_decode_output_to_prefill;
    disaggregated = std::make_unique<systems::DisaggregatedCluster>(
        sim, std::move(source), std::move(router), observers, *fabric, kv);
    observers.add(disaggregated->feed());  // closed-loop sources hear of ends after the metrics
    int i = 0;  // prefill pools' instances first (prefill0..), then the decode pools' (decode0..)
    for (const bool prefill : {true, false})
      for (std::size_t p = 0; p < pools.size(); ++p) {
        if ((spec.pools[p].role == PoolRole::Prefill) != prefill) continue;
        for (int k = 0; k < spec.pools[p].count; ++k, ++i)
          add_disaggregated(i, prefill, pools[p]);
      }
  }

  void add_disaggregated(int i, bool prefill, const Pool& pool) {
    const std::string name = prefill ? "prefill" + std::to_string(i)
                                     : "decode" + std::to_string(i - spec.prefill_instances);
    const int host = add_host(name);
    systems::ServingInstance::Wiring w{sim, *pool.exec, nullptr, observers};
    w.role = prefill ? systems::InstanceRole::PrefillOnly : systems::InstanceRole::DecodeOnly;
    w.handoff = disaggregated.get();
    int node = -1;
    auto inst = make_instance(i, name, pool, std::move(w), host, &node);
    if (prefill) disaggregated->add_prefill(std::move(inst), node, pool.capacity);
    else disaggregated->add_decode(std::move(inst), node, pool.capacity);
  }

  // The instance with index `i` (prefill pool first under disaggregation).
  const systems::ServingInstance& instance(int i) const {
    if (cluster) return *cluster->instances()[static_cast<std::size_t>(i)];
    const auto& prefill = disaggregated->prefill();
    if (static_cast<std::size_t>(i) < prefill.size()) return *prefill[static_cast<std::size_t>(i)];
    return *disaggregated->decode()[static_cast<std::size_t>(i) - prefill.size()];
  }

  // The timeline's counter tracks read the instance after each of its iterations.
  void probe_for_timeline() {
    if (!timeline) return;
    timeline->set_instance_probe([this](int i) {
      report::InstanceLoad load;
      const auto& inst = instance(i);
      load.kv_blocks_used = inst.total_blocks() - inst.free_blocks();
      load.queued = static_cast<std::int64_t>(inst.waiting_count());
      if (spec.prefix_cache && prefix_metrics.prompt_tokens() > 0)
        load.cache_hit_rate = static_cast<double>(prefix_metrics.hit_tokens()) /
                              static_cast<double>(prefix_metrics.prompt_tokens());
      return load;
    });
  }

  void start() {
    probe_for_timeline();
    if (autoscaler) autoscaler->start();
    if (disaggregated) disaggregated->start();
    else cluster->start();
    if (faults) faults->start();
    if (link_faults) link_faults->start();
  }
  nlohmann::json cost(TimeNs end) const {
    const double paid = autoscaler ? autoscaler->stats(end).instance_seconds : -1.0;
    return serving_cost(spec, pools, ns_to_seconds(end), metrics->input_tokens(),
                        metrics->output_tokens(), paid);
  }
  std::uint64_t arrived() const { return disaggregated ? disaggregated->arrived() : cluster->arrived(); }
};

// Cost and size of an auto-scaled cluster: instance-seconds provisioned (starting, taking
// requests or draining), their time-weighted mean and the extremes (the count over time goes
// to autoscale.csv).
nlohmann::json autoscale_summary(const systems::Autoscaler::Stats& s, TimeNs end) {
  nlohmann::json j;
  j["instance_seconds"] = s.instance_seconds;
  j["mean_instances"] = end > 0 ? s.instance_seconds / ns_to_seconds(end) : 0.0;
  j["peak_instances"] = s.peak;
  j["fewest_instances"] = s.fewest;
  j["scale_ups"] = s.scale_ups;
  j["scale_downs"] = s.scale_downs;
  j["drains_cancelled"] = s.drains_cancelled;
  return j;
}

// autoscale.csv: the provisioned instances from each time on (one row per change).
std::string autoscale_csv(const systems::Autoscaler::Stats& s) {
  std::string out = "time_s,instances\n";
  char line[64];
  for (const auto& [t, n] : s.series) {
    std::snprintf(line, sizeof line, "%.9f,%d\n", ns_to_seconds(t), n);
    out += line;
  }
  return out;
}

}  // namespace

RunResult run_scenario(const ScenarioSpec& spec, const Catalogs& catalogs, const RunOptions& options) {
  if (!options.out_dir.empty()) create_output_dir(options.out_dir);
  Run run(spec, catalogs, options);
  run.sim.set_guard(make_run_guard(options.limits));
  report::ProgressMeter meter({options.progress, options.progress_bar, options.progress_every_s},
                              spec.name);
  if (options.progress)
    run.sim.set_progress_hook([&] { report_progress(spec, run.sim, *run.metrics, meter); },
                              report::kProgressCheckEvents);
  run.start();
  run.sim.run(spec.horizon_s > 0 ? seconds_to_ns(spec.horizon_s) : kTimeNever);
  meter.done();
  throw_if_stopped(run.sim, options.limits);  // uncommitted outputs are removed on the way out
  const TimeNs end = run.sim.now();
  run.energy.finish(end);
  if (run.timeline) {
    run.timeline->finish(end);
    if (run.timeline->requests_without_track() > 0)
      spdlog::warn("timeline: {} requests beyond the first {} have no request track "
                   "(--timeline-max-tracks)", run.timeline->requests_without_track(),
                   options.timeline_max_tracks);
  }

  RunResult result;
  result.events = run.sim.events_processed();
  nlohmann::json summary = run.metrics->summary(end);
  const nlohmann::json energy = run.energy.summary(run.metrics->output_tokens());
  for (auto it = energy.begin(); it != energy.end(); ++it) summary[it.key()] = it.value();
  if (nlohmann::json cost = run.cost(end); !cost.is_null()) summary["cost"] = cost;
  if (run.disaggregated) summary["kv_transfer"] = run.kv_movement.transfer_summary();
  if (run.migration) summary["migration"] = run.kv_movement.migration_summary();
  if (run.autoscaler) summary["autoscale"] = autoscale_summary(run.autoscaler->stats(end), end);
  summary["context_switch"] = run.kv_movement.swap_summary();
  const nlohmann::json tenants = run.tenant_service->summary(end);
  for (auto it = tenants.begin(); it != tenants.end(); ++it) summary[it.key()] = it.value();
  if (spec.prefix_cache) summary["prefix_cache"] = run.prefix_metrics.summary();
  if (run.moe_metrics) summary["moe"] = run.moe_metrics->summary();
  if (run.offload_metrics) summary["offload"] = run.offload_metrics->summary();
  if (run.sessions.any()) summary["sessions"] = run.sessions.summary();
  summary["requests"]["unfinished"] = run.arrived() -
                                      summary["requests"]["completed"].get<std::int64_t>() -
                                      summary["requests"]["rejected"].get<std::int64_t>() -
                                      summary["requests"]["lost"].get<std::int64_t>();
  if (run.fault_stats) summary["faults"] = run.fault_stats->summary(end);
  if constexpr (kXpusimInvariants)
    check_conservation({run.cluster.get(), run.migration.get(), run.disaggregated.get()},
                       summary["requests"]["unfinished"]);
  add_run_fields(summary, ns_to_seconds(end), result.events, spec.seed, spec.resolved);
  result.summary = summary;

  if (!options.out_dir.empty()) {
    // All files are complete before any is renamed into place.
    std::ostringstream devices;
    run.energy.write_devices_csv(devices);
    std::vector<report::AtomicFile*> streamed{&*run.tenant_csv};
    if (run.requests_csv) streamed.push_back(&*run.requests_csv);
    if (run.timeline_file) streamed.push_back(&*run.timeline_file);
    std::vector<std::pair<std::string, std::string>> files{{"devices.csv", devices.str()}};
    if (run.autoscaler) files.emplace_back("autoscale.csv", autoscale_csv(run.autoscaler->stats(end)));
    files.emplace_back("summary.json", summary.dump(2) + "\n");  // last (write_outputs)
    write_outputs(options, files, streamed);
    if (!run.requests_csv) {  // --requests-csv none: no stale file from an earlier run
      std::error_code ignored;
      fs::remove(options.out_dir / "requests.csv", ignored);
    }
  }
  return result;
}

}  // namespace xpusim::scenario
