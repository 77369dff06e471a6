#pragma once
// Routing family: "which instance serves this request?"
#include <cstddef>
#include <cstdint>
#include <vector>

#include "xpusim/core/catalog.hpp"

namespace xpusim::policy {

// The best-case rates of one instance (systems/instance_capacity.hpp): prompt tokens per
// second when compute-bound, decode steps per second when bandwidth-bound. Only ratios between
// instances matter to the routers; a view that does not know them reports 1 and 1.
struct InstanceCapacity {
  double prefill_tokens_per_s = 1;
  double decode_steps_per_s = 1;
};

// Load of each candidate instance at the moment a request arrives.
class RoutingView {
 public:
  virtual ~RoutingView() = default;
  virtual std::size_t instance_count() const = 0;
  virtual std::int64_t outstanding(std::size_t instance) const = 0;  // waiting + running
  virtual double kv_used_fraction(std::size_t instance) const = 0;   // allocated / total blocks
  // Llumnix's dispatch inputs: KV blocks free now, and the blocks the prefills of every waiting
  // request will need.
  virtual std::int64_t free_kv_blocks(std::size_t instance) const = 0;
  virtual std::int64_t queued_prompt_blocks(std::size_t instance) const = 0;
  // Outstanding requests with priority > 0 (Llumnix's priority headroom); 0 for views that do
  // not track priorities.
  virtual std::int64_t high_priority_requests(std::size_t) const { return 0; }
  // The instance's capacity (mixed-hardware clusters); equal for every instance by default.
  virtual InstanceCapacity capacity(std::size_t) const { return {}; }
  // True when the instances run one phase only (the prefill or decode pool of a disaggregated
  // cluster), so a router weighs them by that phase's capacity alone.
  virtual bool single_phase() const { return false; }
  // True when the view calls Router::on_load_changed(i) (Router::on_decode_load_changed(i) for
  // the decode pool's view given to choose_decode) after every change of any value above for
  // instance i, before the next routing decision; a view that renumbers its instances or
  // changes instance_count() reports every instance changed: routers may then keep an index
  // instead of scanning every instance per request. False (the default): they scan.
  virtual bool reports_load_changes() const { return false; }
};

// The request being routed, as far as a router may look at it.
struct RouteRequest {
  std::int64_t prompt_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int32_t tenant = 0;
  // The prompt's KV block identities when the workload has them (not owned; null when none).
  const std::vector<std::uint64_t>* prefix_hashes = nullptr;
};

class Router {
 public:
  virtual ~Router() = default;
  virtual std::size_t choose_instance(const RoutingView& view, const RouteRequest& request) = 0;
  // Something the view reports of `instance` may have changed (only from views whose
  // reports_load_changes() is true).
  virtual void on_load_changed(std::size_t /*instance*/) {}
  // The same for decode instance `instance` of the decode pool's view (choose_decode).
  virtual void on_decode_load_changed(std::size_t /*instance*/) {}
  // Under disaggregation, whether this router also picks the decode instance a prefilled
  // request's KV goes to (choose_decode); false: the cluster's own rule (fewest outstanding).
  virtual bool places_decode() const { return false; }
  // Only when places_decode(): `view` covers the decode instances that are up (outstanding
  // counts the KV transfers on their way there); returns an index below its instance_count().
  virtual std::size_t choose_decode(const RoutingView& view, const RouteRequest& request) {
    (void)request;
    (void)view;
    return 0;
  }
};

using RouterCatalog = Catalog<Router>;

void register_routers(RouterCatalog& catalog);

}  // namespace xpusim::policy
