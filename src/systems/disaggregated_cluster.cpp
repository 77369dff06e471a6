#include "xpusim/systems/disaggregated_cluster.hpp"

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

namespace {

// The decode instances that are up, renumbered 0..n-1, for a router that places decodes:
// outstanding counts the KV transfers already on their way to the instance.
class DecodePoolView final : public policy::RoutingView {
 public:
  using Instances = std::vector<std::unique_ptr<ServingInstance>>;
  DecodePoolView(const Instances& decode, const std::vector<std::int64_t>& inbound,
                 const std::vector<policy::InstanceCapacity>& capacity,
                 const std::vector<std::size_t>& up)
      : decode_(decode), inbound_(inbound), capacity_(capacity), up_(up) {}
  std::size_t instance_count() const override { return up_.size(); }
  std::int64_t outstanding(std::size_t i) const override {
    return at(i).outstanding() + inbound_[up_[i]];
  }
  double kv_used_fraction(std::size_t i) const override {
    const KvBlockPool& kv = at(i).kv();
    return static_cast<double>(kv.allocated()) / static_cast<double>(kv.total());
  }
  std::int64_t free_kv_blocks(std::size_t i) const override { return at(i).free_blocks(); }
  std::int64_t queued_prompt_blocks(std::size_t i) const override {
    return at(i).queued_prompt_blocks();
  }
  policy::InstanceCapacity capacity(std::size_t i) const override { return capacity_[up_[i]]; }
  bool single_phase() const override { return true; }
  // The cluster reports every change to the router (DisaggregatedCluster::decode_changed).
  bool reports_load_changes() const override { return true; }

 private:
  const ServingInstance& at(std::size_t i) const { return *decode_[up_[i]]; }
  const Instances& decode_;
  const std::vector<std::int64_t>& inbound_;
  const std::vector<policy::InstanceCapacity>& capacity_;
  const std::vector<std::size_t>& up_;
};

}  // namespace

DisaggregatedCluster::DisaggregatedCluster(Simulator& sim,
                                           std::unique_ptr<workload::RequestSource> source,
                                           std::unique_ptr<policy::Router> router,
                                           ServingObserver& observer, hw::LinkFabric& fabric,
                                           KvTransferConfig config)
    : sim_(sim),
      feed_(sim, std::move(source), *this),
      router_(std::move(router)),
      observer_(observer),
      fabric_(fabric),
      config_(config) {
  XPUSIM_CHECK(config_.kv_bytes_per_token >= 0 && config_.num_layers >= 1,
               "KV transfer needs bytes per token and a layer count");
}

void DisaggregatedCluster::add_prefill(std::unique_ptr<ServingInstance> instance, int fabric_node,
                                       policy::InstanceCapacity capacity) {
  XPUSIM_CHECK(decode_.empty() && instance->role() == InstanceRole::PrefillOnly &&
                   instance->index() == static_cast<int>(prefill_.size()),
               "prefill instances come first, numbered from 0");
  instance->set_load_listener(*this, prefill_.size());
  prefill_.push_back(std::move(instance));
  prefill_node_.push_back(fabric_node);
  prefill_cap_.push_back(capacity);
}

void DisaggregatedCluster::add_decode(std::unique_ptr<ServingInstance> instance, int fabric_node,
                                      policy::InstanceCapacity capacity) {
  XPUSIM_CHECK(instance->role() == InstanceRole::DecodeOnly &&
                   instance->index() == static_cast<int>(prefill_.size() + decode_.size()),
               "decode instances follow the prefill instances");
  instance->set_load_listener(*this, prefill_.size() + decode_.size());
  decode_.push_back(std::move(instance));
  decode_node_.push_back(fabric_node);
  decode_cap_.push_back(capacity);
  inbound_.push_back(0);
}

void DisaggregatedCluster::start() {
  XPUSIM_CHECK(!prefill_.empty() && !decode_.empty(),
               "a disaggregated cluster needs prefill and decode instances");
  prefill_up_.renumber(prefill_.size(), [&](std::size_t i) { return prefill_[i]->down(); });
  decode_up_.renumber(decode_.size(), [&](std::size_t j) { return decode_[j]->down(); });
  std::vector<DecodeLoad> keys;
  for (std::size_t j = 0; j < decode_.size(); ++j) keys.push_back(decode_load(j));
  decode_index_.build(std::move(keys));
  feed_.start();
}

double DisaggregatedCluster::kv_used_fraction(std::size_t i) const {
  const KvBlockPool& kv = prefill_[i]->kv();
  return static_cast<double>(kv.allocated()) / static_cast<double>(kv.total());
}

void DisaggregatedCluster::on_request_arrival(workload::Request&& request, TimeNs now) {
  observer_.on_arrival(request, now);
  if (prefill_down_ > 0) return route(std::move(request), now);
  const policy::RouteRequest route{request.prompt_tokens, request.output_tokens, request.tenant,
                                   &request.prefix_hashes};
  const std::size_t target = router_->choose_instance(*this, route);
  XPUSIM_CHECK(target < prefill_.size(), "router chose a non-existent instance");
  prefill_[target]->enqueue(std::move(request), now);
}

void DisaggregatedCluster::on_load_changed(std::size_t slot) {
  if (slot < prefill_.size()) {
    if (prefill_down_ == 0) return router_->on_load_changed(slot);
    const std::size_t k = prefill_up_.position(slot);
    if (k != UpInstances::kDown) router_->on_load_changed(k);
    return;
  }
  decode_changed(slot - prefill_.size());
}

void DisaggregatedCluster::decode_changed(std::size_t j) {
  if (decode_index_.size() != decode_.size()) return;  // before start(), which builds it
  decode_index_.set(j, decode_load(j));
  if (!router_->places_decode()) return;
  const std::size_t k = decode_down_ == 0 ? j : decode_up_.position(j);
  if (k != UpInstances::kDown) router_->on_decode_load_changed(k);
}

std::size_t DisaggregatedCluster::choose_decode(const Handoff& handoff) const {
  if (!router_->places_decode()) return least_loaded_decode();
  const std::vector<std::size_t>& up = decode_up_.list();
  if (up.empty()) return decode_.size();
  const DecodePoolView view(decode_, inbound_, decode_cap_, up);
  const workload::Request& r = handoff.request;
  const policy::RouteRequest route{r.prompt_tokens, r.output_tokens, r.tenant, &r.prefix_hashes};
  const std::size_t pick = router_->choose_decode(view, route);
  XPUSIM_CHECK(pick < up.size(), "router chose a non-existent decode instance");
  return up[pick];
}

std::size_t DisaggregatedCluster::least_loaded_decode() const {
  const std::size_t j = decode_index_.argmin();
  const std::size_t pick = decode_index_.key(j).down ? decode_.size() : j;
  if constexpr (kXpusimInvariants) {
    for (std::size_t i = 0; i < decode_.size(); ++i)
      XPUSIM_CHECK(decode_index_.same_key(i, decode_load(i)),
                   "a decode instance's load changed without being reported");
    XPUSIM_CHECK(pick == least_loaded_decode_scan(),
                 "the indexed decode pick differs from the linear scan's");
  }
  return pick;
}

// Fewest outstanding requests, counting KV already on its way; ties to the lowest index.
std::size_t DisaggregatedCluster::least_loaded_decode_scan() const {
  std::size_t best = decode_.size();
  std::int64_t best_load = INT64_MAX;
  for (std::size_t j = 0; j < decode_.size(); ++j) {
    if (decode_[j]->down()) continue;
    const std::int64_t load = decode_[j]->outstanding() + inbound_[j];
    if (load < best_load) {
      best = j;
      best_load = load;
    }
  }
  return best;
}

void DisaggregatedCluster::on_prefilled(int instance, Handoff&& handoff, TimeNs now) {
  XPUSIM_CHECK(instance >= 0 && static_cast<std::size_t>(instance) < prefill_.size(),
               "hand-off from an unknown prefill instance");
  start_transfer(std::move(handoff), now);
}

void DisaggregatedCluster::start_transfer(Handoff&& handoff, TimeNs now) {
  const std::size_t decode = choose_decode(handoff);
  if (decode == decode_.size()) {  // every decode instance is down: wait for one
    parked_handoffs_.push_back(std::move(handoff));
    return;
  }
  const auto instance = static_cast<std::size_t>(handoff.prefill_instance);
  std::uint32_t slot;
  if (free_transfers_.empty()) {
    slot = static_cast<std::uint32_t>(transfers_.size());
    transfers_.emplace_back();
  } else {
    slot = free_transfers_.back();
    free_transfers_.pop_back();
  }
  Transfer& t = transfers_[slot];
  t.decode = decode;
  t.cancelled = false;
  double bytes = config_.kv_bytes_per_token * static_cast<double>(handoff.kv_tokens);
  if (config_.per_layer) bytes /= config_.num_layers;
  t.bytes = bytes;
  t.start_ns = now;
  t.handoff = std::move(handoff);
  t.live = true;
  ++inbound_[t.decode];
  decode_changed(t.decode);
  ++in_flight_;
  fabric_.start(prefill_node_[instance], decode_node_[t.decode], bytes, *this, slot);
}

void DisaggregatedCluster::on_transfer_done(std::uint64_t cookie, TimeNs now) {
  if (cookie & kReturnCookie) return output_returned(static_cast<std::uint32_t>(cookie & ~kReturnCookie), now);
  Transfer& t = transfers_[static_cast<std::size_t>(cookie)];
  if (t.cancelled) {  // counted out when it was cancelled
    t.live = false;
    free_transfers_.push_back(static_cast<std::uint32_t>(cookie));
    return;
  }
  --inbound_[t.decode];
  decode_changed(t.decode);
  --in_flight_;
  ServingInstance& decode = *decode_[t.decode];
  KvTransferRecord record{t.handoff.request.id, t.handoff.prefill_instance, decode.index(),
                          t.bytes, t.start_ns, now};
  observer_.on_kv_transfer(record);
  prefill_[static_cast<std::size_t>(t.handoff.prefill_instance)]->release_handoff(
      t.handoff.prefill_slot, now);
  if (config_.output_to_prefill && !t.handoff.request.output_hashes.empty())
    prefilled_on_[t.handoff.request.id] = static_cast<std::size_t>(t.handoff.prefill_instance);
  Handoff handoff = std::move(t.handoff);
  t.live = false;
  free_transfers_.push_back(static_cast<std::uint32_t>(cookie));
  decode.accept_remote_kv(std::move(handoff), now);
}

// The KV a decode instance holds for a finished request goes back to where its prompt was
// computed, so the session's next turn, routed there, finds the output cached: only the blocks
// that cache lacks now are sent (as in Mooncake's KV store, which keeps what a prefill can
// reuse; docs/prefix-cache.md). A prefill instance that is down gets nothing.
void DisaggregatedCluster::on_decoded(int instance, const workload::Request& request,
                                      std::int64_t kv_tokens, TimeNs now) {
  if (!config_.output_to_prefill) return;
  const auto it = prefilled_on_.find(request.id);
  if (it == prefilled_on_.end()) return;
  const std::size_t p = it->second;
  prefilled_on_.erase(it);
  ServingInstance& prefill = *prefill_[p];
  if (prefill.down()) return;
  const std::int64_t blocks = prefill.missing_cached_blocks(request, kv_tokens);
  if (blocks == 0) return;
  std::uint32_t slot;
  if (free_returns_.empty()) {
    slot = static_cast<std::uint32_t>(returns_.size());
    returns_.emplace_back();
  } else {
    slot = free_returns_.back();
    free_returns_.pop_back();
  }
  returns_[slot] = OutputReturn{request, kv_tokens, p};
  const double bytes = config_.kv_bytes_per_token * static_cast<double>(blocks * prefill.block_size());
  const auto j = static_cast<std::size_t>(instance) - prefill_.size();
  fabric_.start(decode_node_[j], prefill_node_[p], bytes, *this, kReturnCookie | slot);
  (void)now;
}

void DisaggregatedCluster::output_returned(std::uint32_t slot, TimeNs now) {
  OutputReturn& r = returns_[slot];
  if (!prefill_[r.prefill]->down()) prefill_[r.prefill]->cache_returned_output(r.request, r.kv_tokens, now);
  r.request = {};
  free_returns_.push_back(slot);
}

}  // namespace xpusim::systems
