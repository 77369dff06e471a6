#pragma once
// DVFS family: "at which clock level does this engine run the operator group it is about to
// start?" The SoC runtime asks whenever it dispatches a group (or a share of one) to an engine
// that declares more than one level (hw::DvfsLevel); the level holds until the group ends.
#include <cstdint>
#include <vector>

#include "xpusim/core/catalog.hpp"
#include "xpusim/core/time.hpp"
#include "xpusim/hw/dvfs_levels.hpp"
#include "xpusim/hw/soc_spec.hpp"
#include "xpusim/policy/flow_scheduling/flow_scheduler.hpp"

namespace xpusim::policy {

// The dispatch being decided: which engine, whose iteration, and the times a deadline is
// counted from.
struct DvfsRequest {
  hw::EngineKind engine = hw::EngineKind::Igpu;
  FlowClass cls = FlowClass::Proactive;  // reactive when any member flow is
  Stage stage = Stage::Prefill;
  TimeNs now = 0;
  TimeNs turn_ready_ns = 0;  // earliest member's turn arrival (TTFT counts from it)
  TimeNs opened_ns = 0;      // when the iteration was opened (a decode step's TBT counts from it)
  std::int64_t prompt_tokens = 0;      // prefill: the turn's whole prompt
  std::int64_t prompt_done_after = 0;  // prefill: prompt tokens done once this chunk finishes
};

// What a governor may look at. Contract: levels() is non-empty, slowest first, its last entry
// the top level (1:1); remaining_ns(level) is non-increasing in the level.
class DvfsView {
 public:
  virtual ~DvfsView() = default;
  virtual const DvfsRequest& request() const = 0;
  virtual const std::vector<hw::DvfsLevel>& levels() const = 0;
  // Standalone time (ns) of the iteration's groups from this one to its last, were they all to
  // run alone on this engine at `level` (with this dispatch's share); no DDR contention.
  virtual double remaining_ns(int level) const = 0;
};

class DvfsGovernor {
 public:
  virtual ~DvfsGovernor() = default;
  // The level index, in [0, levels().size()).
  virtual int level(const DvfsView& view) = 0;
};

using DvfsCatalog = Catalog<DvfsGovernor>;

void register_dvfs_governors(DvfsCatalog& catalog);

}  // namespace xpusim::policy
