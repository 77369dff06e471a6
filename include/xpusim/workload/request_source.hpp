#pragma once
// Produces requests in arrival order, one at a time, so a trace of any length streams through
// constant memory.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "xpusim/core/catalog.hpp"
#include "xpusim/workload/request.hpp"

namespace xpusim::workload {

class RequestSource {
 public:
  virtual ~RequestSource() = default;
  // The next request (arrival_ns non-decreasing, ids 0, 1, 2, ...), or nullopt when exhausted.
  // Bad input (malformed trace row) throws xpusim::Error naming file and line.
  virtual std::optional<Request> next() = 0;
  // Tenant names, index = Request::tenant (at least one entry, "default").
  virtual const std::vector<std::string>& tenants() const = 0;
  // Prompt tokens each Request::prefix_hashes entry stands for (the last entry may cover
  // fewer), so a prefix cache with another block size can map ids; 0 when there are no hashes.
  virtual std::int32_t prefix_block_tokens() const { return 0; }

  // Closed loop (feedback from the simulation; every method a no-op for open-loop sources).
  // A closed-loop source's next() may return nullopt while requests it emitted are still being
  // served; the feed polls again after each request_finished that returns true.
  // Request `id` left the system at `finish_ns` (completed, or rejected/lost when !completed).
  // Returns true when that made a new request available (next() has something again).
  virtual bool request_finished(std::uint64_t /*id*/, bool /*completed*/, TimeNs /*finish_ns*/) {
    return false;
  }
  // Takes back a request next() returned that has not arrived yet, because request_finished
  // made an earlier one available; next() emits it again in arrival order, with a new id.
  virtual void take_back(Request&& /*request*/) {}
};

// What every source may need beyond its own parameters.
struct SourceContext {
  std::uint64_t seed = 0;          // scenario seed; each source derives its own stream
  std::filesystem::path base_dir;  // relative trace paths are resolved against this
};

using SourceCatalog = Catalog<RequestSource, const SourceContext&>;

// Registers every built-in source ("synthetic", "trace") — called by the scenario layer.
void register_request_sources(SourceCatalog& catalog);

}  // namespace xpusim::workload
