#include "xpusim/scenario/faults_section.hpp"

#include <algorithm>
#include <cstdio>

namespace xpusim::scenario {

using systems::FaultConfig;
using systems::LinkFault;

const ParamBinding<FaultConfig>& faults_binding() {
  using F = FaultConfig;
  static const auto b =
      ParamBinding<F>()
          .choice("on_failure", &F::requeue, {{"requeue", true}, {"lose", false}},
                  "requests held by a failed instance: re-routed to the instances still up "
                  "(requeue; their progress and KV are lost, they restart) or dropped and "
                  "counted as lost")
          .real(XPUSIM_KEY(F, mtbf_s), "s",
                "mean time between failures of each instance (exponential); 0 = no random "
                "failures",
                {.min = 0, .max = 1e9})
          .real(XPUSIM_KEY(F, mttr_s), "s", "mean time to repair after a random failure (exponential)",
                {.min = 0, .max = 1e9, .min_exclusive = true})
          .real(XPUSIM_KEY(F, link_mtbf_s), "s",
                "mean time between failures of each KV-fabric link (an instance's link to the "
                "switch; exponential); 0 = no random link failures",
                {.min = 0, .max = 1e9})
          .real(XPUSIM_KEY(F, link_mttr_s), "s",
                "mean time to repair a randomly failed link (exponential)",
                {.min = 0, .max = 1e9, .min_exclusive = true});
  return b;
}

namespace {

// The `at_s` and `duration_s` keys of one scheduled failure, into integer nanoseconds (the
// duration rounded up, so a positive duration never becomes zero).
template <typename Item>
ParamBinding<Item>& timed(ParamBinding<Item>& b) {
  return b
      .real_via(
          "at_s", [](Item& f, double s) { f.at_ns = seconds_to_ns(s); },
          [](const Item& f) { return static_cast<double>(f.at_ns) * 1e-9; }, "s",
          "simulated time of the failure", {.min = 0, .max = 9e9})
      .required()
      .real_via(
          "duration_s", [](Item& f, double s) { f.duration_ns = duration_ns_ceil(s); },
          [](const Item& f) { return static_cast<double>(f.duration_ns) * 1e-9; }, "s",
          "how long it stays down", {.min = 0, .max = 9e9, .min_exclusive = true})
      .required();
}

// A failure must end before the simulable 9.2e9 s (int64 nanoseconds); summed in double, as
// two int64 times near the limit would overflow.
bool ends_too_late(TimeNs at_ns, TimeNs duration_ns) {
  return static_cast<double>(at_ns) + static_cast<double>(duration_ns) >= 9.2e18;
}

}  // namespace

const ParamBinding<FaultConfig::Scheduled>& scheduled_fault_binding() {
  using S = FaultConfig::Scheduled;
  static const auto b = [] {
    ParamBinding<S> s;
    s.integer(XPUSIM_KEY(S, instance), "", "index of the instance that fails (0-based)", {.min = 0})
        .required();
    return timed(s);
  }();
  return b;
}

const ParamBinding<LinkFault>& link_fault_binding() {
  static const auto b = [] {
    ParamBinding<LinkFault> s;
    s.string(XPUSIM_KEY(LinkFault, host),
             "instance whose link to the KV switch fails: inst<i> (colocated with migration), "
             "prefill<i> or decode<j> (disaggregated)")
        .required();
    return timed(s);
  }();
  return b;
}

ParamSchema faults_schema() { return faults_binding().schema(); }
ParamSchema scheduled_fault_schema() { return scheduled_fault_binding().schema(); }
ParamSchema link_fault_schema() { return link_fault_binding().schema(); }

std::optional<systems::FaultConfig> read_faults(SectionReader& ld, int instances, double horizon_s,
                                                std::uint64_t seed, Params& resolved) {
  const YAML::Node node = ld.section("faults");
  if (node.IsNull()) return std::nullopt;
  resolved = ld.plain("faults", faults_schema(), {"schedule", "links"});
  if (!ld.diag.ok()) return std::nullopt;
  FaultConfig config = faults_binding().bind(resolved);
  config.seed = seed;
  if (config.mtbf_s > 0 && horizon_s <= 0)
    ld.diag.error(ld.doc.locate(SectionReader::child(node, "mtbf_s"), "faults.mtbf_s"), "faults.mtbf_s",
                  "random failures never stop by themselves: set horizon_s > 0 with mtbf_s");
  if (config.link_mtbf_s > 0 && horizon_s <= 0)
    ld.diag.error(ld.doc.locate(SectionReader::child(node, "link_mtbf_s"), "faults.link_mtbf_s"),
                  "faults.link_mtbf_s",
                  "random failures never stop by themselves: set horizon_s > 0 with link_mtbf_s");
  // Each instance fails about once per mtbf_s + mttr_s; a run with more failures than this
  // would spend its time (and memory) on fault events rather than serving (docs/faults.md).
  constexpr double kMaxExpectedFailures = 1e6;
  if (config.mtbf_s > 0 && horizon_s > 0) {
    const double expected = instances * horizon_s / (config.mtbf_s + config.mttr_s);
    if (expected > kMaxExpectedFailures) {
      char buf[160];
      std::snprintf(buf, sizeof buf,
                    "about %.3g random failures expected (instances x horizon_s / (mtbf_s + "
                    "mttr_s)); the limit is 1e+06 (expected a larger mtbf_s)",
                    expected);
      ld.diag.error(ld.doc.locate(SectionReader::child(node, "mtbf_s"), "faults.mtbf_s"),
                    "faults.mtbf_s", buf);
    }
  }
  const YAML::Node schedule = SectionReader::child(node, "schedule");
  if (!schedule.IsNull() && !schedule.IsSequence()) {
    ld.diag.error(ld.doc.locate(schedule, "faults.schedule"), "faults.schedule",
                  "expected a list of {instance, at_s, duration_s}");
    return std::nullopt;
  }
  const ParamSchema one = scheduled_fault_schema();  // named: the loop reads it by reference
  for (std::size_t k = 0; schedule.IsSequence() && k < schedule.size(); ++k) {
    const std::string prefix = "faults.schedule." + std::to_string(k);
    const YAML::Node item = schedule[k];
    if (!item.IsMap()) {
      ld.diag.error(ld.doc.locate(item, prefix), prefix, "expected a map {instance, at_s, duration_s}");
      continue;
    }
    Params p;
    if (!resolve_located(one, read_params_map(ld.doc, item, prefix, one, {}, ld.diag), prefix, p, ld.diag))
      continue;
    const FaultConfig::Scheduled f = scheduled_fault_binding().bind(p);
    if (f.instance >= static_cast<std::size_t>(instances)) {
      ld.diag.error(ld.doc.locate(SectionReader::child(item, "instance"), prefix + ".instance"),
                    prefix + ".instance",
                    "is " + std::to_string(f.instance) + " but the cluster has " +
                        std::to_string(instances) + " instance(s) (0-based)");
      continue;
    }
    if (ends_too_late(f.at_ns, f.duration_ns)) {
      ld.diag.error(ld.doc.locate(item, prefix), prefix,
                    "at_s + duration_s is past the simulable 9.2e9 s (int64 nanoseconds)");
      continue;
    }
    config.scheduled.push_back(f);
  }
  const YAML::Node links = SectionReader::child(node, "links");
  if (!links.IsNull() && !links.IsSequence()) {
    ld.diag.error(ld.doc.locate(links, "faults.links"), "faults.links",
                  "expected a list of {host, at_s, duration_s}");
    return std::nullopt;
  }
  const ParamSchema link = link_fault_schema();
  for (std::size_t k = 0; links.IsSequence() && k < links.size(); ++k) {
    const std::string prefix = "faults.links." + std::to_string(k);
    const YAML::Node item = links[k];
    if (!item.IsMap()) {
      ld.diag.error(ld.doc.locate(item, prefix), prefix, "expected a map {host, at_s, duration_s}");
      continue;
    }
    Params p;
    if (!resolve_located(link, read_params_map(ld.doc, item, prefix, link, {}, ld.diag), prefix, p, ld.diag))
      continue;
    LinkFault f = link_fault_binding().bind(p);
    if (ends_too_late(f.at_ns, f.duration_ns)) {
      ld.diag.error(ld.doc.locate(item, prefix), prefix,
                    "at_s + duration_s is past the simulable 9.2e9 s (int64 nanoseconds)");
      continue;
    }
    config.links.push_back(std::move(f));
  }
  return config;
}

void check_fault_targets(SectionReader& ld, const systems::FaultConfig& faults,
                         const std::vector<std::string>& fabric_hosts, const std::string& why_none) {
  const YAML::Node links = SectionReader::child(ld.section("faults"), "links");
  if (faults.link_mtbf_s > 0 && fabric_hosts.empty())
    ld.diag.error(ld.doc.locate(SectionReader::child(ld.section("faults"), "link_mtbf_s"),
                                "faults.link_mtbf_s"),
                  "faults.link_mtbf_s", why_none);
  for (std::size_t k = 0; k < faults.links.size(); ++k) {
    const std::string key = "faults.links." + std::to_string(k) + ".host";
    const Location at = ld.doc.locate(SectionReader::child(links.IsSequence() ? links[k] : YAML::Node(), "host"), key);
    if (fabric_hosts.empty()) {
      ld.diag.error(at, key, why_none);
      continue;
    }
    if (std::find(fabric_hosts.begin(), fabric_hosts.end(), faults.links[k].host) != fabric_hosts.end())
      continue;
    std::string names;
    for (std::size_t i = 0; i < fabric_hosts.size() && i < 8; ++i) names += (i ? ", " : "") + fabric_hosts[i];
    if (fabric_hosts.size() > 8) names += ", ...";
    ld.diag.error(at, key, "no instance '" + faults.links[k].host + "' (expected one of: " + names + ")");
  }
}

}  // namespace xpusim::scenario
