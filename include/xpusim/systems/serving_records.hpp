#pragma once
// What serving systems publish. The report layer implements the observer interfaces below;
// systems never include report (observer direction, see DESIGN.md).
#include <cstdint>
#include <string>

#include "xpusim/core/time.hpp"
#include "xpusim/workload/request.hpp"

namespace xpusim::systems {

// Lost: dropped because the instance holding it failed (faults with on_failure: lose).
enum class RequestOutcome { Completed, Rejected, Lost };

// One request's life, published once when it completes or is rejected.
struct RequestRecord {
  std::uint64_t id = 0;
  int instance = -1;  // serving instance index; -1 when rejected before routing
  std::int32_t prompt_tokens = 0;
  std::int32_t output_tokens = 0;
  std::int32_t tenant = 0;
  std::int32_t priority = 0;
  std::uint64_t session = 0;  // the request's session (0 = none)
  bool followup = false;      // its session sends another turn after it
  double ttft_slo_s = 0;  // per-request SLOs as given by the source (0 = scenario default)
  double tpot_slo_s = 0;
  TimeNs arrival_ns = 0;
  TimeNs first_scheduled_ns = -1;  // first iteration that included it; -1 when never
  TimeNs first_token_ns = -1;
  TimeNs finish_ns = -1;
  std::int32_t preemptions = 0;
  std::int64_t cached_prompt_tokens = 0;  // prompt tokens its first admission found in the prefix cache
  RequestOutcome outcome = RequestOutcome::Completed;
};

// One KV cache transfer from a prefill instance to a decode instance (disaggregation).
struct KvTransferRecord {
  std::uint64_t request_id = 0;
  int from_instance = -1;
  int to_instance = -1;
  double bytes = 0;
  TimeNs start_ns = 0;  // when the prefill emitted its first token
  TimeNs end_ns = 0;    // when the last byte arrived
};

// One live migration of a decoding request between instances (Llumnix); published when the
// request has arrived on the destination.
struct MigrationRecord {
  std::uint64_t request_id = 0;
  int from_instance = -1;
  int to_instance = -1;
  double bytes = 0;        // all rounds together
  std::int32_t rounds = 0;  // including the final stop-and-copy round
  TimeNs start_ns = 0;
  TimeNs downtime_ns = 0;  // the final round: the request runs nowhere meanwhile
};

// What serving systems publish, by concern. A subscriber implements only the interfaces it
// needs (each method defaults to ignoring the record) and ServingObservers (serving_observers.hpp)
// fans every record out to the subscribers of its concern. Cache events are
// PrefixCacheObserver's (prefix_cache_records.hpp); device busy/idle is hw::DeviceObserver's.

// Contract: a request's life on the serving system, in simulated-time order per request:
// arrival, preemptions, its tokens' gaps, and one final record (completed, rejected or lost).
class RequestLifecycleObserver {
 public:
  virtual ~RequestLifecycleObserver() = default;
  virtual void on_arrival(const workload::Request& /*request*/, TimeNs /*now*/) {}
  virtual void on_request_done(const RequestRecord& /*record*/) {}
  // `count` tokens were emitted `gap_ns` after each one's previous token (time between tokens).
  virtual void on_token_gaps(TimeNs /*gap_ns*/, std::int64_t /*count*/) {}
  virtual void on_preemption(std::uint64_t /*request_id*/, int /*instance*/, TimeNs /*now*/) {}
};

// Contract: KV that moves between memories: hand-offs between instances (disaggregation),
// live migrations, and swaps to and from host memory that an iteration waits for.
class KvMovementObserver {
 public:
  virtual ~KvMovementObserver() = default;
  // A KV transfer finished (disaggregated clusters only).
  virtual void on_kv_transfer(const KvTransferRecord& /*record*/) {}
  // A live migration finished (clusters with a migration policy only).
  virtual void on_migration(const MigrationRecord& /*record*/) {}
  // An iteration waited `stall_ns` for KV swaps to or from the host (context switches).
  virtual void on_swap_stall(int /*instance*/, TimeNs /*stall_ns*/, double /*bytes*/,
                             std::int64_t /*transfers*/) {}
};

// Contract: the service each tenant receives (docs/fairness.md), as a fairness counter sees it.
class TenantServiceObserver {
 public:
  virtual ~TenantServiceObserver() = default;
  // A waiting request of `tenant` was admitted with its prompt (`first_time`: not a
  // re-admission after a recompute preemption) ...
  virtual void on_admitted(std::int32_t /*tenant*/, std::int64_t /*input_tokens*/,
                           bool /*first_time*/, TimeNs /*now*/) {}
  // ... `count` of its decoding requests each emitted one token in a decode step ...
  virtual void on_output_tokens(std::int32_t /*tenant*/, std::int64_t /*count*/, TimeNs /*now*/) {}
  // ... or a running request of it went back to waiting (recompute preemption).
  virtual void on_requeued(std::int32_t /*tenant*/, TimeNs /*now*/) {}
};

// Contract: what the serving machines do and whether they are there: model iterations per
// instance, and instances and KV-fabric links failing and coming back (faults).
class DeviceActivityObserver {
 public:
  virtual ~DeviceActivityObserver() = default;
  // One model iteration ran on an instance (for iteration-level statistics and timelines).
  virtual void on_iteration(int /*instance*/, TimeNs /*start_ns*/, TimeNs /*end_ns*/,
                            std::int64_t /*decode_seqs*/, std::int64_t /*prefill_tokens*/) {}
  // An instance failed: `requeued` of the requests it held went back to the router, `lost`
  // were dropped (each also published as a Lost request).
  virtual void on_instance_down(int /*instance*/, TimeNs /*now*/, std::int64_t /*requeued*/,
                                std::int64_t /*lost*/) {}
  // A failed instance is back in service.
  virtual void on_instance_up(int /*instance*/, TimeNs /*now*/) {}
  // The KV-fabric link of instance `host` failed / was repaired (faults.links).
  virtual void on_link_down(const std::string& /*host*/, TimeNs /*now*/) {}
  virtual void on_link_up(const std::string& /*host*/, TimeNs /*now*/) {}
};

// Everything a serving system publishes: what instances, clusters and fault injectors hold a
// reference to. Implemented by the fan-out (ServingObservers) and by test recorders; report
// collectors implement only the concerns above that they need.
class ServingObserver : public RequestLifecycleObserver,
                        public KvMovementObserver,
                        public TenantServiceObserver,
                        public DeviceActivityObserver {};

}  // namespace xpusim::systems
