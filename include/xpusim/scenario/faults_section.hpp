#pragma once
// The `faults:` section of a serving scenario (docs/faults.md): scheduled and random
// (MTBF/MTTR) failures of serving instances, and what happens to their requests.
#include <optional>
#include <string>
#include <vector>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/core/params.hpp"
#include "xpusim/scenario/section_reader.hpp"
#include "xpusim/systems/fault_injector.hpp"

namespace xpusim::scenario {

// Each key bound to the FaultConfig field it fills (times in seconds into integer ns); the
// struct's initialisers are the documented defaults.
const ParamBinding<systems::FaultConfig>& faults_binding();
const ParamBinding<systems::FaultConfig::Scheduled>& scheduled_fault_binding();  // schedule[]
const ParamBinding<systems::LinkFault>& link_fault_binding();                      // links[]

ParamSchema faults_schema();
ParamSchema scheduled_fault_schema();
ParamSchema link_fault_schema();

// Reads `faults:` when present (errors go to the reader's Diagnostics). `instances` bounds the
// instance indices; `horizon_s` must be > 0 with random failures (they never stop by
// themselves). `resolved` receives the section's scalar parameters.
std::optional<systems::FaultConfig> read_faults(SectionReader& ld, int instances, double horizon_s,
                                                std::uint64_t seed, Params& resolved);

// Checks that every link fault names an instance with a KV-fabric link (`fabric_hosts`); with
// none, reports `why_none` for each.
void check_fault_targets(SectionReader& ld, const systems::FaultConfig& faults,
                         const std::vector<std::string>& fabric_hosts, const std::string& why_none);

}  // namespace xpusim::scenario
