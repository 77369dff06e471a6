#include "xpusim/scenario/simulation.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>

#include "xpusim/core/error.hpp"
#include "xpusim/core/simulator.hpp"
#include "xpusim/report/atomic_file.hpp"
#include "xpusim/report/energy_meter.hpp"
#include "xpusim/report/fault_stats.hpp"
#include "xpusim/report/kv_movement_stats.hpp"
#include "xpusim/report/serving_metrics.hpp"
#include "xpusim/report/timeline_writer.hpp"
#include "xpusim/scenario/run_guard.hpp"
#include "xpusim/hw/link_fabric.hpp"
#include "xpusim/hw/topology.hpp"
#include "xpusim/systems/cluster.hpp"
#include "xpusim/systems/disaggregated_cluster.hpp"
#include "xpusim/systems/fault_injector.hpp"
#include "xpusim/systems/migration_coordinator.hpp"
#include "xpusim/systems/serving_observers.hpp"

namespace xpusim::scenario {

namespace fs = std::filesystem;

namespace {

nlohmann::json to_json(const ParamValue& v) {
  return std::visit([](const auto& x) { return nlohmann::json(x); }, v);
}

nlohmann::json resolved_json(const ScenarioSpec& spec) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [section, params] : spec.resolved) {
    nlohmann::json obj = nlohmann::json::object();
    for (const auto& [k, v] : params.values()) obj[k] = to_json(v);
    out[section] = obj;
  }
  return out;
}

// Progress on stderr at most every half second of wall time (wall time never reaches outputs).
class ProgressLine {
 public:
  ProgressLine(const Simulator& sim, double horizon_s) : sim_(sim), horizon_s_(horizon_s) {}
  void tick() {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(500)) return;
    if (now - start_ < std::chrono::seconds(1)) return;
    last_ = now;
    std::fprintf(stderr, "\r  simulated %.1f s%s, %llu events", ns_to_seconds(sim_.now()),
                 horizon_s_ > 0 ? (" of " + std::to_string(static_cast<long long>(horizon_s_))).c_str() : "",
                 static_cast<unsigned long long>(sim_.events_processed()));
    shown_ = true;
  }
  ~ProgressLine() {
    if (shown_) std::fputs("\n", stderr);
  }

 private:
  const Simulator& sim_;
  double horizon_s_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
  bool shown_ = false;
};

// Everything one run owns, built from the spec. Members are declared in dependency order.
struct Run {
  const ScenarioSpec& spec;
  Simulator sim;
  // What instances of one hardware kind share: the device, its execution model and KV sizing.
  struct Pool {
    hw::DeviceSpec device;
    std::unique_ptr<model::ExecutionModel> exec;
    systems::KvSizing sizing;
  };
  Pool main_pool;    // every instance, or the prefill pool under disaggregation
  Pool decode_pool;  // decode instances on decode_hardware (exec null when not used)
  std::optional<report::AtomicFile> requests_csv;
  std::optional<report::AtomicFile> timeline_file;
  std::unique_ptr<report::ServingMetrics> metrics;
  report::EnergyMeter energy;
  std::unique_ptr<report::TimelineWriter> timeline;
  systems::ServingObservers observers;
  report::KvMovementStats kv_movement;
  hw::Topology topology;
  std::unique_ptr<hw::LinkFabric> fabric;
  std::unique_ptr<systems::Cluster> cluster;                    // colocated
  std::unique_ptr<systems::DisaggregatedCluster> disaggregated;  // prefill/decode pools
  std::unique_ptr<systems::MigrationCoordinator> migration;       // uses cluster's instances
  std::unique_ptr<report::FaultStats> fault_stats;                // with faults only
  std::unique_ptr<systems::FaultInjector> faults;                 // fails cluster's instances
  std::unique_ptr<systems::LinkFaultInjector> link_faults;        // fails fabric links
  std::map<std::string, int> host_links;                          // host name -> its switch link
  const Catalogs& catalogs;
  int device_id = 0;

  Run(const ScenarioSpec& s, const Catalogs& cat, const RunOptions& options) : spec(s), catalogs(cat) {
    main_pool = make_pool(spec.device);
    if (spec.decode_device) decode_pool = make_pool(*spec.decode_device);
    workload::SourceContext ctx{spec.seed, spec.path.parent_path()};
    auto source = catalogs.sources.find(spec.workload.name)->make(spec.workload.params, ctx);
    if (!options.out_dir.empty()) {
      requests_csv.emplace(options.out_dir / "requests.csv");
      if (options.timeline) {
        timeline_file.emplace(options.out_dir / "timeline.json");
        timeline = std::make_unique<report::TimelineWriter>(timeline_file->stream());
      }
    }
    metrics = std::make_unique<report::ServingMetrics>(
        report::SloTargets{spec.slo_ttft_s, spec.slo_tpot_s}, source->tenants(),
        requests_csv ? &requests_csv->stream() : nullptr);
    observers.add(*metrics);
    if (timeline) observers.add(*timeline);
    observers.add(kv_movement);
    auto router = catalogs.routers.find(spec.router.name)->make(spec.router.params);
    if (spec.faults) {
      fault_stats = std::make_unique<report::FaultStats>(static_cast<std::size_t>(spec.instances));
      observers.add(*fault_stats);
    }
    if (spec.disaggregated()) {
      build_disaggregated(std::move(source), std::move(router));
    } else {
      build_colocated(std::move(source), std::move(router));
      if (spec.faults && spec.faults->instance_faults())
        faults = std::make_unique<systems::FaultInjector>(sim, *cluster, *spec.faults);
    }
    if (spec.faults && !spec.faults->links.empty()) {
      if (!fabric)
        throw Error("faults.links: this cluster has no KV-transfer links (a migration policy "
                    "with interval 0 never migrates)");
      std::vector<systems::LinkFault> links = spec.faults->links;
      for (auto& l : links) l.edge = host_links.at(l.host);  // names checked by the loader
      link_faults = std::make_unique<systems::LinkFaultInjector>(sim, *fabric, std::move(links), observers);
    }
    spdlog::info("{} instance(s) of {} x {}, {} KV blocks of {} tokens each", spec.instances,
                 spec.tensor_parallel, spec.device.name, main_pool.sizing.blocks,
                 spec.instance.block_size);
  }

  Pool make_pool(const hw::DeviceSpec& device) const {
    Pool pool;
    pool.device = device;
    const model::Placement placement{device, spec.tensor_parallel, spec.tp_link_bw_bytes_per_s,
                                     spec.tp_link_latency_s};
    pool.exec = catalogs.execution.find(spec.execution.name)
                    ->make(spec.execution.params, spec.model, placement, spec.path.parent_path());
    const std::int64_t kv_blocks = systems::derive_kv_blocks(spec.instance, spec.model, placement);
    systems::KvSizing& sizing = pool.sizing;
    sizing = systems::KvSizing{kv_blocks, spec.instance.block_size};
    sizing.block_bytes = spec.model.kv_bytes_per_token() * spec.instance.block_size;
    sizing.host_bw_bytes_per_s = spec.tensor_parallel * device.pcie_bw_bytes_per_s;
    if (sizing.host_bw_bytes_per_s > 0)
      sizing.swap_blocks = static_cast<std::int64_t>(spec.instance.swap_space_bytes / sizing.block_bytes);
    return pool;
  }

  // Devices named `name`.gpuN; the first device's topology node is written to `first_node`
  // when the wiring hands KV over (disaggregation).
  std::unique_ptr<systems::ServingInstance> make_instance(int index, const std::string& name,
                                                          const Pool& pool,
                                                          systems::ServingInstance::Wiring extra,
                                                          int host = -1, int* first_node = nullptr) {
    std::vector<std::unique_ptr<hw::Device>> devices;
    for (int g = 0; g < spec.tensor_parallel; ++g) {
      auto d = std::make_unique<hw::Device>(device_id++, name + ".gpu" + std::to_string(g), pool.device);
      energy.attach(*d);
      if (timeline) timeline->attach(*d);
      if (host >= 0) {
        // Each TP rank ships its KV shard over its own PCIe path to the NIC, so the
        // device-host hop is modelled as one link of TP x PCIe (or unlimited without PCIe);
        // the NIC (kv_link_gbps) is the usual bottleneck.
        const double bw = pool.device.pcie_bw_bytes_per_s > 0
                              ? spec.tensor_parallel * pool.device.pcie_bw_bytes_per_s
                              : 1e18;
        const int node = topology.add_node(d->name());
        topology.add_link(node, host, bw, 0);
        if (g == 0 && first_node) *first_node = node;
      }
      devices.push_back(std::move(d));
    }
    extra.policy = catalogs.batching.find(spec.batching.name)->make(spec.batching.params);
    return std::make_unique<systems::ServingInstance>(index, std::move(extra), std::move(devices),
                                                      pool.sizing);
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
    auto policy = catalogs.migration.find(spec.migration.name)->make(spec.migration.params);
    const bool migrate = policy->settings().interval_s > 0;
    std::vector<int> nodes;
    for (int i = 0; i < spec.instances; ++i) {
      const std::string name = "inst" + std::to_string(i);
      int node = -1;
      const int host = migrate ? add_host(name) : -1;
      cluster->add_instance(
          make_instance(i, name, main_pool, {sim, *main_pool.exec, nullptr, observers}, host, &node));
      nodes.push_back(node);
    }
    if (!migrate) return;
    migration = std::make_unique<systems::MigrationCoordinator>(
        sim, cluster->instances(), std::move(nodes), *fabric, std::move(policy), observers,
        spec.model.kv_bytes_per_token());
    cluster->set_migration(*migration);
  }

  // One host per instance, its devices linked to it, every host linked to one switch.
  void build_disaggregated(std::unique_ptr<workload::RequestSource> source,
                           std::unique_ptr<policy::Router> router) {
    ensure_fabric();
    const systems::KvTransferConfig kv{spec.model.kv_bytes_per_token(), spec.kv_transfer_per_layer,
                                       std::max(1, spec.model.num_layers)};
    disaggregated = std::make_unique<systems::DisaggregatedCluster>(
        sim, std::move(source), std::move(router), observers, *fabric, kv);
    for (int i = 0; i < spec.instances; ++i) {
      const bool prefill = i < spec.prefill_instances;
      const std::string name = prefill ? "prefill" + std::to_string(i)
                                       : "decode" + std::to_string(i - spec.prefill_instances);
      const int host = add_host(name);
      const Pool& pool = !prefill && decode_pool.exec ? decode_pool : main_pool;
      systems::ServingInstance::Wiring w{sim, *pool.exec, nullptr, observers};
      w.role = prefill ? systems::InstanceRole::PrefillOnly : systems::InstanceRole::DecodeOnly;
      w.handoff = disaggregated.get();
      int node = -1;
      auto inst = make_instance(i, name, pool, std::move(w), host, &node);
      if (prefill) disaggregated->add_prefill(std::move(inst), node);
      else disaggregated->add_decode(std::move(inst), node);
    }
  }

  void start() {
    if (disaggregated) disaggregated->start();
    else cluster->start();
    if (faults) faults->start();
    if (link_faults) link_faults->start();
  }
  std::uint64_t arrived() const { return disaggregated ? disaggregated->arrived() : cluster->arrived(); }
};

// Request conservation: every request that arrived and is not finished, rejected or lost is
// held somewhere — waiting, running or swapped on an instance, or parked while every instance
// is down. (Disaggregated and migrating clusters also hold requests in flight between
// instances; their own tests check conservation there.)
void check_request_conservation(const Run& run, std::int64_t unfinished) {
  if (!run.cluster || run.migration) return;
  std::int64_t held = static_cast<std::int64_t>(run.cluster->parked());
  for (const auto& inst : run.cluster->instances()) held += inst->outstanding();
  XPUSIM_CHECK(held == unfinished, "request conservation: " + std::to_string(unfinished) +
                                       " unfinished requests but " + std::to_string(held) +
                                       " held by instances");
}

void write_file(const fs::path& path, const std::string& text) {
  report::AtomicFile f(path);
  f.stream() << text;
  f.commit();
}

}  // namespace

RunResult run_scenario(const ScenarioSpec& spec, const Catalogs& catalogs, const RunOptions& options) {
  if (!options.out_dir.empty()) {
    std::error_code ec;
    fs::create_directories(options.out_dir, ec);
    if (ec) throw Error("cannot create output directory " + options.out_dir.string() + ": " + ec.message());
  }
  Run run(spec, catalogs, options);
  run.sim.set_guard(make_run_guard(options.limits));
  std::optional<ProgressLine> progress;
  if (options.progress) {
    progress.emplace(run.sim, spec.horizon_s);
    run.sim.set_progress_hook([&] { progress->tick(); }, 1 << 16);
  }
  run.start();
  run.sim.run(spec.horizon_s > 0 ? seconds_to_ns(spec.horizon_s) : kTimeNever);
  progress.reset();
  throw_if_stopped(run.sim, options.limits);  // uncommitted outputs are removed on the way out
  const TimeNs end = run.sim.now();
  run.energy.finish(end);
  if (run.timeline) run.timeline->finish(end);

  RunResult result;
  result.events = run.sim.events_processed();
  nlohmann::json summary = run.metrics->summary(end);
  const nlohmann::json energy = run.energy.summary(run.metrics->output_tokens());
  for (auto it = energy.begin(); it != energy.end(); ++it) summary[it.key()] = it.value();
  if (run.disaggregated) summary["kv_transfer"] = run.kv_movement.transfer_summary();
  if (run.migration) summary["migration"] = run.kv_movement.migration_summary();
  summary["requests"]["unfinished"] = run.arrived() -
                                      summary["requests"]["completed"].get<std::int64_t>() -
                                      summary["requests"]["rejected"].get<std::int64_t>() -
                                      summary["requests"]["lost"].get<std::int64_t>();
  if (run.fault_stats) summary["faults"] = run.fault_stats->summary(end);
  if constexpr (kXpusimInvariants) check_request_conservation(run, summary["requests"]["unfinished"]);
  summary["simulated_s"] = ns_to_seconds(end);
  summary["events"] = result.events;
  summary["seed"] = spec.seed;
  summary["scenario"] = resolved_json(spec);
  result.summary = summary;

  if (!options.out_dir.empty()) {
    // All files are complete before any is renamed into place.
    std::ostringstream devices;
    run.energy.write_devices_csv(devices);
    run.requests_csv->commit();
    if (run.timeline_file) run.timeline_file->commit();
    write_file(options.out_dir / "devices.csv", devices.str());
    write_file(options.out_dir / "summary.json", summary.dump(2) + "\n");
  }
  return result;
}

}  // namespace xpusim::scenario
