#pragma once
// One model server (a tensor-parallel group of devices) doing iteration-level continuous
// batching over a paged KV cache: the iteration loop (plan -> apply -> estimate -> finish). A
// batching policy decides each iteration; the loop composes three parts with their own state
// and invariants (docs/serving.md, "Parts of a serving instance"): the SequenceTable (slots,
// epochs, running set, queues), the KvManager (every KV block: pool, prefix cache, host tier,
// swap space, hand-offs, migration reservations) and the DecodeTracker (decode progress; it
// returns the sequences that finished a step). Per-iteration work is independent of batch
// size: only sequences that finish, cross a KV block boundary, start, or are preempted are
// touched. Records go out through a ServingObserver (serving_records.hpp).
#include <algorithm>
#include <memory>
#include <vector>

#include "xpusim/core/simulator.hpp"
#include "xpusim/hw/device.hpp"
#include "xpusim/hw/memory_domain.hpp"
#include "xpusim/model/execution_model.hpp"
#include "xpusim/policy/batching/batching_policy.hpp"
#include "xpusim/systems/decode_tracker.hpp"
#include "xpusim/systems/expert_offload_stage.hpp"
#include "xpusim/systems/expert_parallel_stage.hpp"
#include "xpusim/systems/kv_handoff.hpp"
#include "xpusim/systems/kv_manager.hpp"
#include "xpusim/systems/load_listener.hpp"
#include "xpusim/systems/priority_order.hpp"
#include "xpusim/systems/sequence.hpp"
#include "xpusim/systems/sequence_table.hpp"
#include "xpusim/systems/serving_records.hpp"

namespace xpusim::systems {

class ServingInstance final : public policy::BatchView, public hw::OpListener {
 public:
  struct Wiring {
    Simulator& sim;
    const model::ExecutionModel& exec;
    std::unique_ptr<policy::BatchingPolicy> policy;
    ServingObserver& observer;
    InstanceRole role = InstanceRole::Colocated;
    KvHandoff* handoff = nullptr;  // told of finished prompts; required for PrefillOnly
    std::unique_ptr<policy::FairnessPolicy> fairness = nullptr;  // admission order; null = fcfs
    bool program_order = false;  // waiting queue in program-level FCFS (instance.queue_order)
    // Priority scheduling and preemption (instance.preempt_for_priority, reprioritize_every).
    PriorityOrder::Config priority{};
    std::unique_ptr<PrefixCache> prefix_cache = nullptr;  // null: no prefix caching (colocated only)
    // MoE under expert parallelism: times the routed experts (exec then times one attention
    // rank's share without them); null: exec times the whole iteration.
    std::unique_ptr<ExpertParallelStage> expert_parallel = nullptr;
    // MoE with its routed experts offloaded to host memory: times them (exec leaves them out);
    // null: no offload.
    std::unique_ptr<ExpertOffloadStage> expert_offload = nullptr;
  };
  ServingInstance(int index, Wiring wiring, std::vector<std::unique_ptr<hw::Device>> devices,
                  KvSizing sizing);

  // True if the request can ever fit (prompt + output within KV capacity).
  bool fits(const workload::Request& request) const;
  // Queues an arriving request and starts an iteration if the instance was idle.
  void enqueue(workload::Request request, TimeNs now);

  int index() const { return index_; }
  // Told of every change of this instance's load, as `slot` (load_listener.hpp's contract): each
  // public method that changes anything ends by telling it (through a LoadNotice).
  void set_load_listener(LoadListener& listener, std::size_t slot) {
    load_listener_ = &listener;
    load_slot_ = slot;
  }
  InstanceRole role() const { return role_; }
  // KV arriving from elsewhere (a disaggregated prefill instance's hand-off, the last round of
  // a live migration): the sequence waits in the arrived queue, apart from swapped-out ones,
  // until the batching policy resumes it (no PCIe time: the fabric timed the copy). It reserves
  // what the policy reserves for a sequence of its length (Orca: its whole final length).
  void accept_remote_kv(Handoff&& handoff, TimeNs now);
  // Prefill-only: the KV of a handed-off sequence has been copied out; its blocks are freed.
  void release_handoff(std::uint32_t slot, TimeNs now);
  std::int64_t handoff_blocks() const { return kv_.handoff_blocks(); }
  // Prefill-only with a prefix cache: of the full blocks of `request`'s first `kv_tokens`
  // tokens (prompt + output), how many the cache lacks now (what a decode instance would copy
  // back), and caching them once copied (serving_instance_prefix.cpp; docs/prefix-cache.md).
  std::int64_t missing_cached_blocks(const workload::Request& request, std::int64_t kv_tokens) const {
    return kv_.missing_cached_blocks(request, kv_tokens);
  }
  void cache_returned_output(const workload::Request& request, std::int64_t kv_tokens, TimeNs now);

  // ---- live migration (serving_instance_migration.cpp) ----
  // A decoding sequence across events; stale once it leaves decoding (finish, preemption).
  struct SeqRef {
    std::uint32_t slot = Sequence::kNone;
    std::uint32_t epoch = 0;
  };
  // The newest admitted decoding sequence of the lowest priority decoding here (Llumnix
  // migrates the last one in, low priority first); slot kNone if none.
  SeqRef migration_candidate() const;
  // KV tokens of a sequence still decoding since `ref` was taken; -1 once it has left.
  std::int64_t live_kv_tokens(SeqRef ref) const;
  std::int64_t live_blocks(SeqRef ref) const;
  // Stops a decoding sequence for its final migration round: frees its blocks here and returns
  // what the destination needs to resume it.
  Handoff migrate_out(SeqRef ref, TimeNs now);
  // Holds free blocks for an incoming migration; false (nothing held) if they are not free.
  bool reserve_migration(std::int64_t blocks);
  void release_migration(std::int64_t blocks, TimeNs now);
  // The migrated sequence has arrived: its reservation becomes a remote-KV swapped sequence.
  void accept_migration(Handoff&& handoff, std::int64_t reserved_blocks, TimeNs now);
  std::int64_t migration_reserved_blocks() const { return kv_.migration_reserved(); }
  // Llumnix's virtual usage: blocks held plus those the head-of-line queued request needs.
  std::int64_t virtual_used_blocks() const;
  // Blocks the prefills of every waiting request need (Llumnix's dispatch load counts them).
  std::int64_t queued_prompt_blocks() const { return queued_prompt_blocks_; }
  std::int64_t outstanding() const {
    return static_cast<std::int64_t>(table_.waiting().size() + table_.swapped().size() +
                                     table_.arrived().size() + table_.running_count());
  }
  // Outstanding requests (as outstanding() counts them) with priority > 0; walks the slots, so
  // it is for checks that ask once per instance (Llumnix's priority headroom), not per step.
  std::int64_t high_priority_outstanding() const;
  std::int64_t swap_used_blocks() const { return kv_.swap_used(); }
  const std::vector<std::unique_ptr<hw::Device>>& devices() const { return devices_; }
  const KvBlockPool& kv() const { return kv_.pool(); }
  const KvManager& kv_manager() const { return kv_; }
  const PrefixCache* prefix_cache() const { return kv_.cache(); }
  // Checks block conservation and list/aggregate consistency by walking every sequence.
  void check_invariants() const;

  // ---- faults (serving_instance_faults.cpp) ----
  // Takes the instance down: its running iteration is aborted, its KV (device, swap space,
  // prefix cache with its host tier, blocks held for transfers out and migrations in) is lost,
  // and every request it held comes back, oldest arrival first, for the cluster to re-queue or
  // drop. Requests whose KV is being handed off travel with their transfer: the cluster that
  // moves them returns those.
  std::vector<workload::Request> fail(TimeNs now);
  // Back in service, empty; it starts work at the next enqueue.
  void recover(TimeNs now);
  bool down() const { return down_; }

  // policy::BatchView
  std::int64_t total_blocks() const override { return kv_.total(); }
  std::int64_t free_blocks() const override { return kv_.free(); }
  std::int32_t block_size() const override { return block_size_; }
  std::size_t running_count() const override { return table_.running_count(); }
  std::size_t decoding_count() const override { return static_cast<std::size_t>(decode_.decoding()); }
  std::int64_t decode_blocks_needed() const override { return decode_.blocks_needed(); }
  std::int64_t pending_prefill_tokens() const override { return pending_prefill_tokens_; }
  std::int64_t oldest_prefill_progress() const override {
    return table_.prefilling().empty() ? 0 : table_[table_.prefilling().front()].prefilled;
  }
  std::int64_t running_final_tokens() const override { return table_.running_final_tokens(); }
  std::size_t waiting_count() const override { return table_.waiting().size(); }
  policy::WaitingInfo waiting(std::size_t index) const override;
  policy::RunningInfo newest_running(std::size_t index) const override;
  // Under priority scheduling, only the swapped sequences that outrank the first waiting one
  // (a prefix: the swapped queue is in priority order); the others wait behind it.
  std::size_t swapped_count() const override {
    return prio_.on() ? visible_swapped_ : table_.swapped().size();
  }
  std::int64_t swapped_blocks(std::size_t index) const override {
    return table_[table_.swapped().at(index)].blocks;
  }
  std::size_t arrived_count() const override { return table_.arrived().size(); }
  std::int64_t arrived_blocks(std::size_t index) const override {
    return table_[table_.arrived().at(index)].blocks;
  }

  // hw::OpListener: the running iteration finished.
  void on_op_done(std::uint64_t cookie, TimeNs now) override;

 private:
  // Tells the load listener when it goes out of scope: the first statement of every public
  // method that changes the instance, so no return path misses the notice.
  class LoadNotice {
   public:
    explicit LoadNotice(const ServingInstance& inst) : inst_(inst) {}
    LoadNotice(const LoadNotice&) = delete;
    LoadNotice& operator=(const LoadNotice&) = delete;
    ~LoadNotice() {
      if (inst_.load_listener_) inst_.load_listener_->on_load_changed(inst_.load_slot_);
    }

   private:
    const ServingInstance& inst_;
  };

  void try_start(TimeNs now);
  void apply_preemptions(std::size_t count, bool swap, TimeNs now);
  // Preempts running sequence `s`: swaps its KV out (when `swap`, decoding and host room) or
  // drops it for recompute.
  void preempt(std::uint32_t s, bool swap, TimeNs now);

  // ---- priority scheduling (serving_instance_priority.cpp) ----
  // Plans the iteration; under priority scheduling first preempts, lowest rank first, the
  // running sequences the first waiting or swapped one needs gone (vLLM's
  // _schedule_priority_preemption), re-planning after each.
  void plan(TimeNs now);
  void preempt_for_priority(TimeNs now);
  // The running sequence preempted `i`-th: the newest, or under priority scheduling the
  // lowest-ranked.
  std::uint32_t running_victim(std::size_t i) const;
  void push_swapped(std::uint32_t s);  // in priority order under priority scheduling
  std::size_t outranking_swapped() const;
  void swap_in(std::size_t count, TimeNs now);
  void accept_arrived(std::size_t count, TimeNs now);
  void admit(std::size_t count, TimeNs now);
  void grow_decode_blocks();
  void schedule_prefill_chunks(std::int64_t budget, std::int32_t layer_groups,
                               model::BatchShape& shape);
  policy::WaitingInfo waiting_info(const Sequence& seq) const;
  void finish_decode_step(TimeNs now);
  void finish_prefills(TimeNs now);
  void start_decoding(std::uint32_t s, std::int64_t kv, TimeNs last_token);
  void finish(std::uint32_t s, TimeNs now);
  void leave_running(std::uint32_t s, bool keep_kv = false);
  void hand_off(std::uint32_t s, TimeNs now);
  // Decode progress is the decode tracker's (kept relative to its step counter).
  TimeNs last_token_ns(const Sequence& seq) const { return decode_.last_token_ns(seq); }
  std::int64_t kv_tokens(const Sequence& seq) const { return decode_.kv_tokens(seq); }
  std::int64_t blocks_held(const Sequence& seq) const { return decode_.blocks_held(seq); }
  bool needs_block_now(const Sequence& seq) const { return decode_.needs_block_now(seq); }
  std::uint32_t new_sequence(workload::Request request);
  void reject(workload::Request&& request, TimeNs now);
  void publish(const Sequence& seq, RequestOutcome outcome, TimeNs now);
  std::int64_t blocks_for(std::int64_t tokens) const {
    return (tokens + block_size_ - 1) / block_size_;
  }
  // Frees what a sequence holds (its cached blocks go back to the prefix cache).
  void release_blocks(Sequence& seq, std::int64_t held, TimeNs now);
  // A finished sequence's generated blocks join the prefix cache (before it releases them).
  void cache_output(Sequence& seq, TimeNs now);
  // Reserves a sequence's blocks, reusing its cached prefix (device blocks referenced, host-tier
  // blocks copied back over PCIe before the iteration) and skipping that part of its prefill;
  // false (and nothing changed) when the reservation no longer fits.
  bool reuse_cached_prefix(Sequence& seq, std::int64_t reserve_blocks, TimeNs now);

  int index_;
  Simulator& sim_;
  const model::ExecutionModel& exec_;
  std::unique_ptr<ExpertParallelStage> expert_parallel_;  // null without expert parallelism
  std::unique_ptr<ExpertOffloadStage> expert_offload_;    // null without expert offload
  std::unique_ptr<policy::BatchingPolicy> policy_;
  ServingObserver& observer_;
  std::vector<std::unique_ptr<hw::Device>> devices_;
  hw::MemoryDomain memory_;
  KvManager kv_;  // every block: pool, prefix cache, swap space, hand-offs, reservations
  std::int32_t block_size_;
  InstanceRole role_;
  KvHandoff* handoff_;

  // Slots, the running set and the waiting, prefilling, swapped and arrived queues.
  SequenceTable table_;
  PriorityOrder prio_;
  // Under priority scheduling, while an iteration is planned: the running sequences, highest
  // rank first (victims are taken from the back), and how many swapped ones the policy sees.
  std::vector<std::uint32_t> by_priority_;
  std::size_t visible_swapped_ = 0;

  DecodeTracker decode_;  // decoding sequences: progress, block demand, who finishes when
  std::int64_t pending_prefill_tokens_ = 0;
  std::int64_t queued_prompt_blocks_ = 0;  // sum of blocks_for(prefill_len) over the waiting queue

  bool down_ = false;  // failed (faults): takes no requests, runs nothing
  LoadListener* load_listener_ = nullptr;  // null: nobody routes by this instance's load
  std::size_t load_slot_ = 0;
  // The running iteration.
  bool busy_ = false;
  hw::OpHandle iter_op_;  // its operation on the memory domain (aborted by a failure)
  bool iter_decodes_ = false;
  std::int32_t iter_layer_groups_ = 1;
  TimeNs iter_start_ns_ = 0;
  model::BatchShape iter_shape_;
  std::vector<std::uint32_t> iter_prefills_;
  policy::IterationPlan plan_;
};

}  // namespace xpusim::systems
