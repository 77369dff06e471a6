#include "xpusim/systems/serving_instance.hpp"

#include <algorithm>

#include "xpusim/core/error.hpp"

namespace xpusim::systems {

namespace {
constexpr std::string_view kLabelPrefill = "prefill";
constexpr std::string_view kLabelDecode = "decode";
constexpr std::string_view kLabelMixed = "mixed";
}  // namespace

ServingInstance::ServingInstance(int index, Wiring wiring,
                                 std::vector<std::unique_ptr<hw::Device>> devices, KvSizing sizing)
    : index_(index),
      sim_(wiring.sim),
      exec_(wiring.exec),
      expert_parallel_(std::move(wiring.expert_parallel)),
      expert_offload_(std::move(wiring.expert_offload)),
      policy_(std::move(wiring.policy)),
      observer_(wiring.observer),
      devices_(std::move(devices)),
      memory_(wiring.sim, devices_.at(0)->spec().memory_bw_bytes_per_s),
      kv_(sizing, std::move(wiring.prefix_cache)),
      block_size_(sizing.block_size),
      role_(wiring.role),
      handoff_(wiring.handoff),
      table_(std::move(wiring.fairness)),
      decode_(sizing.block_size) {
  table_.waiting().set_program_order(wiring.program_order);
  prio_ = PriorityOrder(wiring.priority,
                        [this](std::int32_t tenant) { return table_.waiting().service(tenant); });
  // Fairness-driven ranks are the tenants' (equal within a tenant's queue, which stays in
  // arrival order); the requests' own priorities order the queue.
  table_.waiting().set_priority_order(prio_.on() && !prio_.fairness_driven());
  XPUSIM_CHECK(role_ != InstanceRole::PrefillOnly || handoff_ != nullptr,
               "a prefill-only instance needs someone to hand prefilled sequences to");
  // A decode-only instance computes no prompts, so it has nothing to cache (docs/prefix-cache.md).
  XPUSIM_CHECK(!kv_.has_cache() || role_ != InstanceRole::DecodeOnly,
               "a decode-only instance has no prefix cache");
}

bool ServingInstance::fits(const workload::Request& r) const {
  const std::int64_t final_tokens = std::int64_t{r.prompt_tokens} + r.output_tokens;
  const std::int64_t reserve = policy_->reserve_tokens({r.prompt_tokens, blocks_for(r.prompt_tokens), final_tokens});
  return blocks_for(std::max(final_tokens, reserve)) <= kv_.total();
}

policy::WaitingInfo ServingInstance::waiting_info(const Sequence& q) const {
  const std::int64_t final_tokens = std::int64_t{q.request.prompt_tokens} + q.request.output_tokens;
  policy::WaitingInfo w{q.prefill_len, blocks_for(q.prefill_len), final_tokens, q.request.id,
                       q.request.output_tokens};
  w.blocks_needed = blocks_for(policy_->reserve_tokens(w));
  if (kv_.has_cache()) {
    const KvManager::PrefixSaving saving = kv_.prefix_saving(q.block_keys, q.prefill_len);
    w.prefill_tokens -= saving.tokens;
    w.blocks_needed -= saving.blocks;
  }
  return w;
}

std::uint32_t ServingInstance::new_sequence(workload::Request request) {
  const std::uint32_t s = table_.create(std::move(request));
  Sequence& q = table_[s];
  if (kv_.has_cache()) q.block_keys = kv_.prefix_keys(q.request);
  return s;
}

void ServingInstance::enqueue(workload::Request request, TimeNs now) {
  const LoadNotice notice(*this);
  XPUSIM_CHECK(!down_, "request routed to a failed instance");
  if (!fits(request)) return reject(std::move(request), now);
  const policy::FairRequest fair = WaitingQueue::describe(request, false);
  if (!table_.waiting().accept(fair, now)) return reject(std::move(request), now);
  const TimeNs program_ns = request.program_arrival_ns;
  const std::uint32_t s = new_sequence(std::move(request));
  table_.waiting().push_back(s, fair, program_ns);
  queued_prompt_blocks_ += blocks_for(table_[s].prefill_len);
  if (!busy_) try_start(now);
}

void ServingInstance::reject(workload::Request&& request, TimeNs now) {
  Sequence tmp;
  tmp.request = std::move(request);
  publish(tmp, RequestOutcome::Rejected, now);
}

void ServingInstance::publish(const Sequence& q, RequestOutcome outcome, TimeNs now) {
  RequestRecord r;
  r.id = q.request.id;
  r.instance = index_;
  r.prompt_tokens = q.request.prompt_tokens;
  r.output_tokens = q.request.output_tokens;
  r.tenant = q.request.tenant;
  r.priority = q.request.priority;
  r.session = q.request.session;
  r.followup = q.request.expects_followup;
  r.ttft_slo_s = q.request.ttft_slo_s;
  r.tpot_slo_s = q.request.tpot_slo_s;
  r.arrival_ns = q.request.arrival_ns;
  r.first_scheduled_ns = q.first_scheduled_ns;
  r.first_token_ns = q.first_token_ns;
  r.finish_ns = outcome == RequestOutcome::Completed ? now : -1;
  r.preemptions = q.preemptions;
  r.cached_prompt_tokens = std::max<std::int64_t>(q.cache_hit_tokens, 0);
  r.outcome = outcome;
  observer_.on_request_done(r);
}

// ---- starting an iteration ---------------------------------------------------------------

void ServingInstance::try_start(TimeNs now) {
  kv_.begin_iteration();  // before planning: priority preemptions swap out while planning
  plan(now);
  if (plan_.preempt_newest > 0) apply_preemptions(plan_.preempt_newest, plan_.swap_out, now);
  if (plan_.swap_in > 0) swap_in(plan_.swap_in, now);
  if (plan_.accept_arrived > 0) accept_arrived(plan_.accept_arrived, now);
  if (plan_.admit > 0) admit(plan_.admit, now);

  model::BatchShape shape;
  iter_decodes_ = plan_.run_decodes && decode_.decoding() > 0;
  if (iter_decodes_) {
    grow_decode_blocks();
    shape.decode_seqs = decode_.decoding();
    shape.decode_context_sum = decode_.kv_sum() + decode_.decoding();
  }
  schedule_prefill_chunks(plan_.prefill_token_budget, plan_.prefill_layer_groups, shape);
  if (shape.empty()) {
    // Nothing can run. With nothing running either, the head request can never be admitted
    // (e.g. the watermark leaves too little room): reject it rather than stall forever.
    // (Blocks held for KV transfers and migrations come back by themselves: no deadlock.)
    if (table_.running_count() == 0 && kv_.handoff_blocks() == 0 && kv_.migration_reserved() == 0 &&
        !table_.waiting().empty()) {
      const std::uint32_t s = table_.waiting().drop_front();
      queued_prompt_blocks_ -= blocks_for(table_[s].prefill_len);
      publish(table_[s], RequestOutcome::Rejected, now);
      table_.release(s);
      return try_start(now);
    }
    busy_ = false;
    for (auto& d : devices_) d->set_idle(now);
    return;
  }
  busy_ = true;
  iter_start_ns_ = now;
  iter_shape_ = shape;
  model::IterationCost cost = expert_parallel_ ? expert_parallel_->estimate(exec_, shape, now)
                                               : exec_.estimate(shape);
  if (expert_offload_) expert_offload_->add_experts(shape, now, cost);
  // vLLM runs the iteration's swaps before the model step and waits for them; with
  // swap_overlap (FastSwitch) they run beside it and only what outlasts the compute is waited.
  if (kv_.iteration_host_bytes() > 0) {
    const TimeNs stall = kv_.iteration_host_delay_ns(cost.time_ns);
    cost.time_ns += stall;
    observer_.on_swap_stall(index_, stall, kv_.iteration_host_bytes(), kv_.iteration_host_transfers());
  }
  const std::string_view label =
      shape.prefill_tokens == 0 ? kLabelDecode : (shape.decode_seqs == 0 ? kLabelPrefill : kLabelMixed);
  for (auto& d : devices_) d->set_busy(now, cost.activity, label);
  iter_op_ = memory_.start(std::max<TimeNs>(cost.time_ns, 1), cost.bytes, *this, 0);
}

// Every decoding sequence whose held blocks are full gets one more before the step runs.
void ServingInstance::grow_decode_blocks() { kv_.take(decode_blocks_needed(), sim_.now()); }

void ServingInstance::schedule_prefill_chunks(std::int64_t budget, std::int32_t layer_groups,
                                              model::BatchShape& shape) {
  iter_prefills_.clear();
  iter_layer_groups_ = std::max<std::int32_t>(layer_groups, 1);
  for (const std::uint32_t s : table_.prefilling()) {
    if (budget <= 0) break;
    Sequence& q = table_[s];
    // Layered prefill moves whole prompts through one layer group; chunked prefill moves a
    // token chunk through every layer.
    const std::int64_t remaining = q.prefill_len - q.prefilled;
    const std::int64_t n = iter_layer_groups_ > 1 ? remaining : std::min(remaining, budget);
    const std::int64_t c = q.prefilled;
    q.chunk = n;
    budget -= n;
    iter_prefills_.push_back(s);
    ++shape.prefill_seqs;
    shape.prefill_tokens += n;
    shape.prefill_cached_sum += c;
    shape.prefill_attention_pairs += static_cast<double>(n) * c + 0.5 * n * (n + 1.0);
  }
  if (iter_layer_groups_ > 1) shape.prefill_layer_fraction = 1.0 / iter_layer_groups_;
}

// ---- finishing an iteration ------------------------------------------------------------

void ServingInstance::on_op_done(std::uint64_t, TimeNs now) {
  const LoadNotice notice(*this);
  if (iter_decodes_) finish_decode_step(now);
  finish_prefills(now);
  observer_.on_iteration(index_, iter_start_ns_, now, iter_shape_.decode_seqs,
                         iter_shape_.prefill_tokens);
  if constexpr (kXpusimInvariants) check_invariants();
  try_start(now);
}

void ServingInstance::finish_decode_step(TimeNs now) {
  // Membership did not change during the iteration, so every decoding sequence emitted one
  // token; its gap depends only on when its previous token came (grouped).
  for (const auto& [last, count] : decode_.token_groups()) observer_.on_token_gaps(now - last, count);
  // Each decoding sequence emitted one token: charged to its tenant (VTC's per-step update).
  decode_.tenants().for_each([&](std::int32_t tenant, std::int64_t n) {
    table_.waiting().on_output_tokens(tenant, n, now);
    observer_.on_output_tokens(tenant, n, now);
  });
  for (const std::uint32_t s : decode_.advance(now, table_.slots())) {
    table_[s].generated = table_[s].request.output_tokens;
    finish(s, now);
  }
}

void ServingInstance::finish_prefills(TimeNs now) {
  for (const std::uint32_t s : iter_prefills_) {
    Sequence& q = table_[s];
    // Under layered prefill the prompt is done only after its last layer group.
    if (iter_layer_groups_ > 1 && ++q.groups_done < iter_layer_groups_) continue;
    q.prefilled += q.chunk;
    pending_prefill_tokens_ -= q.chunk;
    q.chunk = 0;
  }
  // Prefill chunks go to the oldest first, so completed prompts form a prefix of the queue.
  while (!table_.prefilling().empty() && table_[table_.prefilling().front()].prefilled ==
                                     table_[table_.prefilling().front()].prefill_len) {
    const std::uint32_t s = table_.prefilling().front();
    table_.prefilling().pop_front();
    Sequence& q = table_[s];
    kv_.cache_prompt(q.block_keys, q.request, q.cached, now);
    if (q.first_token_ns < 0) q.first_token_ns = now;
    else observer_.on_token_gaps(now - q.prefill_end_ns, 1);  // resumed after preemption
    ++q.generated;
    q.prefill_end_ns = now;
    if (q.generated >= q.request.output_tokens) finish(s, now);
    else if (role_ == InstanceRole::PrefillOnly) hand_off(s, now);
    else start_decoding(s, q.prefill_len, now);
  }
}

// Joins the decode tracker with `kv` tokens stored and its last token emitted at `last_token`
// (after a prefill, now; after a swap-in, before it was swapped out).
void ServingInstance::start_decoding(std::uint32_t s, std::int64_t kv, TimeNs last_token) {
  decode_.join(s, table_[s], kv, last_token);
}

// Unlinks a running sequence and takes it out of every aggregate; frees its KV blocks unless
// `keep_kv` (a handed-off sequence keeps them until its KV has been copied out).
void ServingInstance::leave_running(std::uint32_t s, bool keep_kv) {
  Sequence& q = table_[s];
  if (q.state == SeqState::Decoding) {
    decode_.leave(q);
  } else if (q.state == SeqState::Prefilling) {
    pending_prefill_tokens_ -= q.prefill_len - q.prefilled;
    // A sequence whose prefill just completed has already left the queue.
    const auto it = std::find(table_.prefilling().begin(), table_.prefilling().end(), s);
    if (it != table_.prefilling().end()) table_.prefilling().erase(it);
  }
  ++q.epoch;  // stale heap entries of this sequence are skipped from now on
  if (!keep_kv) {
    release_blocks(q, blocks_held(q), sim_.now());
    q.blocks = 0;
  }
  table_.unlink_running(s);
}

void ServingInstance::finish(std::uint32_t s, TimeNs now) {
  cache_output(table_[s], now);
  if (role_ == InstanceRole::DecodeOnly && handoff_ != nullptr) {
    const workload::Request& r = table_[s].request;
    handoff_->on_decoded(index_, r, std::int64_t{r.prompt_tokens} + r.output_tokens - 1, now);
  }
  leave_running(s);
  Sequence& q = table_[s];
  table_.waiting().on_finished(WaitingQueue::describe(q.request, false), now);
  publish(q, RequestOutcome::Completed, now);
  table_.release(s);
}

}  // namespace xpusim::systems
