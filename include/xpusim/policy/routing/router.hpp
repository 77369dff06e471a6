#pragma once
// Routing family: "which instance serves this request?"
#include <cstddef>
#include <cstdint>
#include <vector>

#include "xpusim/core/catalog.hpp"

namespace xpusim::policy {

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
  // True when the view calls Router::on_load_changed(i) after every change of any value above
  // for instance i, before the next routing decision (and keeps instance_count() fixed):
  // routers may then keep an index instead of scanning every instance per request. False (the
  // default): they scan.
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
};

using RouterCatalog = Catalog<Router>;

void register_routers(RouterCatalog& catalog);

}  // namespace xpusim::policy
