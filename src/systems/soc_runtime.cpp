#include "xpusim/systems/soc_runtime.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "xpusim/core/error.hpp"
#include "xpusim/hw/npu_shapes.hpp"

namespace xpusim::systems {
namespace {

using policy::Stage;
using workload::FlowClass;
constexpr std::uint32_t kTurnReady = 1;
constexpr std::uint32_t kWake = 2;
constexpr int kIgpu = static_cast<int>(hw::EngineKind::Igpu);
// KV reservations are sums of doubles: compare with a relative slack so that releasing and
// re-reserving the same bytes never refuses a flow by rounding.
constexpr double kKvSlack = 1e-9;
// A policy that opens iterations forever without running any would spin here.
constexpr int kMaxDecideRounds = 10000;

// Device-state labels (timelines): class, stage and kind of work of the group, built once.
const std::string& group_label(FlowClass cls, Stage stage, hw::WorkKind work) {
  static const auto labels = [] {
    std::array<std::string, 2 * 2 * hw::kWorkKinds> out;
    for (int c = 0; c < 2; ++c)
      for (int s = 0; s < 2; ++s)
        for (int w = 0; w < hw::kWorkKinds; ++w)
          out[(c * 2 + s) * hw::kWorkKinds + w] =
              std::string(workload::flow_class_name(static_cast<FlowClass>(c))) + " " +
              policy::stage_name(static_cast<Stage>(s)) + " " +
              hw::work_name(static_cast<hw::WorkKind>(w));
    return out;
  }();
  return labels[(static_cast<int>(cls) * 2 + static_cast<int>(stage)) * hw::kWorkKinds +
                static_cast<int>(work)];
}

// The governor's view of one dispatch; the remaining time is computed on demand.
class DispatchView final : public policy::DvfsView {
 public:
  DispatchView(const policy::DvfsRequest& request, const std::vector<hw::DvfsLevel>& levels,
               std::function<double(int)> remaining)
      : request_(request), levels_(levels), remaining_(std::move(remaining)) {}
  const policy::DvfsRequest& request() const override { return request_; }
  const std::vector<hw::DvfsLevel>& levels() const override { return levels_; }
  double remaining_ns(int level) const override { return remaining_(level); }

 private:
  const policy::DvfsRequest& request_;
  const std::vector<hw::DvfsLevel>& levels_;
  std::function<double(int)> remaining_;
};

}  // namespace

SocRuntime::SocRuntime(Simulator& sim, const hw::SocSpec& soc, const model::ModelSpec& model,
                       policy::FlowScheduler& scheduler, std::vector<workload::AgentFlow> flows)
    : sim_(sim), soc_(soc), model_(model), scheduler_(scheduler), ddr_(sim, soc.slowdown) {
  for (int e = 0; e < hw::kEngineKinds; ++e)
    devices_[e] = std::make_unique<hw::Device>(
        e, std::string("soc.") + hw::engine_name(static_cast<hw::EngineKind>(e)),
        soc.engines[e].device);
  for (int e = 0; e < hw::kEngineKinds; ++e)
    level_busy_ns_[e].assign(soc.engines[e].levels().size(), 0);
  kv_budget_bytes_ = kv_budget_bytes(soc, model);
  flows_.reserve(flows.size());
  for (auto& f : flows) {
    XPUSIM_CHECK(!f.turns.empty(), "agent flow without turns");
    XPUSIM_CHECK(flow_kv_bytes(model, f) <= kv_budget_bytes_ * (1 + kKvSlack),
                 "an agent flow's KV exceeds the SoC's KV budget (the loader rejects this)");
    flows_.push_back(FlowState{std::move(f)});
  }
}

double SocRuntime::flow_kv_bytes(const model::ModelSpec& model, const workload::AgentFlow& flow) {
  std::int64_t tokens = 0;
  for (const workload::AgentTurn& t : flow.turns) tokens += t.prompt_tokens + t.output_tokens;
  return static_cast<double>(tokens) * model.kv_bytes_per_token();
}

double SocRuntime::kv_budget_bytes(const hw::SocSpec& soc, const model::ModelSpec& model) {
  return soc.kv_budget_bytes > 0 ? soc.kv_budget_bytes : soc.ddr_bytes - model.weight_bytes();
}

void SocRuntime::start() {
  for (std::size_t i = 0; i < flows_.size(); ++i)
    sim_.schedule_at(seconds_to_ns(flows_[i].spec.arrival_s), *this, kTurnReady, i);
}

bool SocRuntime::engine_busy(hw::EngineKind engine) const {
  return ddr_.busy(static_cast<int>(engine));
}

double SocRuntime::contention(hw::EngineKind victim, hw::EngineKind aggressor) const {
  return soc_.slowdown[static_cast<int>(victim)][static_cast<int>(aggressor)];
}

TimeNs SocRuntime::engine_free_at(hw::EngineKind engine) const {
  return ddr_.predicted_end(static_cast<int>(engine));
}

std::optional<double> SocRuntime::rest_ns(int task, hw::EngineKind engine) const {
  const auto it = tasks_.find(task);
  if (it == tasks_.end()) return std::nullopt;
  const Task& t = it->second;
  double ns = 0;
  for (int g = t.next + 1; g < static_cast<int>(t.groups.size()); ++g) {
    const auto w = group_work_at(t, g, engine, 1.0, 1.0);
    if (!w) return std::nullopt;
    ns += w->standalone_ns();
  }
  return ns;
}

model::BatchShape SocRuntime::shape_of(Stage stage, const std::vector<int>& flows,
                                       std::int64_t tokens) const {
  model::BatchShape b;
  if (stage == Stage::Prefill) {
    XPUSIM_CHECK(flows.size() == 1 && tokens > 0, "a prefill iteration is one flow's chunk");
    const FlowState& f = flows_.at(flows[0]);
    const double n = static_cast<double>(tokens), c = static_cast<double>(f.context);
    b.prefill_seqs = 1;
    b.prefill_tokens = tokens;
    b.prefill_attention_pairs = n * c + n * (n + 1) / 2;
    b.prefill_cached_sum = f.context;
  } else {
    for (int id : flows) {
      b.decode_seqs += 1;
      b.decode_context_sum += flows_.at(id).context;
    }
  }
  return b;
}

std::optional<hw::EngineWork> SocRuntime::predict(Stage stage, const std::vector<int>& flows,
                                                  std::int64_t tokens,
                                                  hw::EngineKind engine) const {
  if (flows.empty()) return std::nullopt;
  if (stage == Stage::Prefill && engine == hw::EngineKind::Npu) {
    const auto padded = hw::padded_shape(soc_.npu_prefill_shapes, tokens);
    if (!padded) return std::nullopt;
    tokens = *padded;
  }
  const model::OpGraph g = model::OpGraph::iteration(model_, shape_of(stage, flows, tokens));
  hw::EngineWork sum;
  for (const model::OpGroup& group : g.order()) {
    const auto w = model::engine_work(soc_, engine, group, model_.dtype);
    if (!w) return std::nullopt;
    sum.compute_ns += w->compute_ns;
    sum.memory_ns += w->memory_ns;
    sum.fixed_ns += w->fixed_ns;
  }
  return sum;
}

std::optional<hw::EngineWork> SocRuntime::group_work(const Task& t, hw::EngineKind engine,
                                                      double share) const {
  return group_work_at(t, t.next, engine, share, 1.0);
}

std::optional<hw::EngineWork> SocRuntime::group_work_at(const Task& t, int group,
                                                         hw::EngineKind engine, double share,
                                                         double clock) const {
  if (engine == hw::EngineKind::Npu && t.stage == Stage::Prefill) {
    if (!t.npu_shape_fits) return std::nullopt;
    if (!t.npu_groups.empty())
      return model::engine_work(soc_, engine, t.npu_groups[group], model_.dtype, share, clock);
  }
  return model::engine_work(soc_, engine, t.groups[group], model_.dtype, share, clock);
}

int SocRuntime::choose_level(const Task& t, hw::EngineKind engine, double share) const {
  const auto& levels = soc_.engine(engine).levels();
  const int top = static_cast<int>(levels.size()) - 1;
  if (!governor_ || top == 0) return top;
  policy::DvfsRequest r;
  r.engine = engine;
  r.cls = t.cls;
  r.stage = t.stage;
  r.now = sim_.now();
  r.turn_ready_ns = t.turn_ready_ns;
  r.opened_ns = t.opened_ns;
  r.prompt_tokens = t.prompt_tokens;
  r.prompt_done_after = t.prompt_done_after;
  // Groups this engine cannot run are left out of the remaining time (another engine runs them).
  const DispatchView view(r, levels, [&](int level) {
    double ns = 0;
    for (int g = t.next; g < static_cast<int>(t.groups.size()); ++g)
      if (const auto w = group_work_at(t, g, engine, share, levels[level].clock))
        ns += w->standalone_ns();
    return ns;
  });
  const int level = governor_->level(view);
  XPUSIM_CHECK(level >= 0 && level <= top, "DVFS governor chose a level the engine lacks");
  return level;
}

void SocRuntime::on_event(std::uint32_t tag, std::uint64_t payload) {
  if (tag == kTurnReady) {
    FlowState& f = flows_.at(payload);
    if (f.phase == Phase::NotArrived)
      arrive(static_cast<int>(payload));
    else
      turn_ready(f, sim_.now());
  } else {
    XPUSIM_CHECK(tag == kWake, "unknown SoC runtime event");
    wake_at_ = kTimeNever;
  }
  decide();
}

void SocRuntime::arrive(int flow) {
  // Strict arrival order: a flow never overtakes an earlier one that is waiting for KV.
  kv_queue_.push_back(flow);
  if (kv_queue_.size() > 1 ||
      kv_reserved_bytes_ + flow_kv_bytes(model_, flows_[flow].spec) >
          kv_budget_bytes_ * (1 + kKvSlack))
    ++flows_queued_for_kv_;
  admit_queued();
}

void SocRuntime::admit_queued() {
  while (!kv_queue_.empty()) {
    FlowState& f = flows_[kv_queue_.front()];
    const double need = flow_kv_bytes(model_, f.spec);
    if (kv_reserved_bytes_ + need > kv_budget_bytes_ * (1 + kKvSlack)) return;
    kv_queue_.pop_front();
    kv_reserved_bytes_ += need;
    kv_peak_bytes_ = std::max(kv_peak_bytes_, kv_reserved_bytes_);
    // The user has waited since the flow arrived: its first turn is ready from then.
    turn_ready(f, seconds_to_ns(f.spec.arrival_s));
  }
}

void SocRuntime::turn_ready(FlowState& f, TimeNs ready_ns) {
  XPUSIM_CHECK(f.phase == Phase::NotArrived || f.phase == Phase::Waiting, "turn ready twice");
  if (f.phase == Phase::NotArrived) active_.push_back(static_cast<int>(&f - flows_.data()));
  const workload::AgentTurn& t = f.spec.turns[f.turn];
  f.phase = Phase::Ready;
  f.stage = Stage::Prefill;
  f.prompt_left = t.prompt_tokens;
  f.output_left = t.output_tokens;
  f.turn_ready_ns = ready_ns;
  ++turns_started_;
}

void SocRuntime::refresh_view() {
  ready_view_.clear();
  for (int i : active_) {
    const FlowState& f = flows_[i];
    if (f.phase != Phase::Ready) continue;
    ready_view_.push_back({i, f.spec.cls, f.stage,
                           f.stage == Stage::Prefill ? f.prompt_left : f.output_left,
                           f.turn_ready_ns});
  }
  std::stable_sort(ready_view_.begin(), ready_view_.end(), [](const auto& a, const auto& b) {
    return a.turn_ready_ns != b.turn_ready_ns ? a.turn_ready_ns < b.turn_ready_ns : a.id < b.id;
  });
  task_view_.clear();
  for (const auto& [id, t] : tasks_) {
    policy::TaskState s;
    s.id = id;
    s.cls = t.cls;
    s.stage = t.stage;
    s.members = static_cast<int>(t.flows.size());
    s.next_group = t.next;
    s.groups = static_cast<int>(t.groups.size());
    s.running = t.running;
    s.running_on = t.on;
    s.turn_ready_ns = t.turn_ready_ns;
    for (int e = 0; e < hw::kEngineKinds; ++e)
      s.next_group_work[e] = group_work(t, static_cast<hw::EngineKind>(e));
    task_view_.push_back(s);
  }
}

void SocRuntime::decide() {
  // A completion inside a decision (a zero-length group) asks again after it, not within it.
  if (deciding_) {
    again_ = true;
    return;
  }
  deciding_ = true;
  for (int round = 0;; ++round) {
    XPUSIM_CHECK(round < kMaxDecideRounds, "flow-scheduling policy keeps opening iterations");
    again_ = false;
    refresh_view();
    const policy::FlowDecision d = scheduler_.decide(*this);
    for (const auto& r : d.run) run(r);
    for (const auto& o : d.open) open(o);
    if (d.wake_at != kTimeNever && d.wake_at > sim_.now() && d.wake_at != wake_at_) {
      sim_.cancel(wake_event_);
      wake_at_ = d.wake_at;
      wake_event_ = sim_.schedule_at(d.wake_at, *this, kWake, 0);
    }
    if (d.open.empty() && !again_) break;
  }
  deciding_ = false;
}

void SocRuntime::open(const policy::OpenTask& o) {
  XPUSIM_CHECK(!o.flows.empty(), "policy opened an iteration without flows");
  Task t;
  t.id = next_task_id_++;
  t.stage = o.stage;
  t.flows = o.flows;
  t.prefill_tokens = o.prefill_tokens;
  t.turn_ready_ns = kTimeNever;
  t.opened_ns = sim_.now();
  if (o.stage == Stage::Prefill && !o.flows.empty()) {
    const FlowState& f = flows_.at(o.flows[0]);
    t.prompt_tokens = f.spec.turns[f.turn].prompt_tokens;
    t.prompt_done_after = t.prompt_tokens - f.prompt_left + o.prefill_tokens;
  }
  for (int id : o.flows) {
    XPUSIM_CHECK(id >= 0 && static_cast<std::size_t>(id) < flows_.size(),
                 "policy named an unknown flow");
    FlowState& f = flows_[id];
    XPUSIM_CHECK(f.phase == Phase::Ready && f.stage == o.stage,
                 "policy opened an iteration of a flow not ready for it");
    if (o.stage == Stage::Prefill)
      XPUSIM_CHECK(o.prefill_tokens >= 1 && o.prefill_tokens <= f.prompt_left,
                   "prefill chunk outside the prompt left");
    f.phase = Phase::InTask;
    if (f.spec.cls == FlowClass::Reactive) t.cls = FlowClass::Reactive;
    t.turn_ready_ns = std::min(t.turn_ready_ns, f.turn_ready_ns);
  }
  t.groups =
      model::OpGraph::iteration(model_, shape_of(o.stage, o.flows, o.prefill_tokens)).order();
  if (o.stage == Stage::Prefill) {
    const auto padded = hw::padded_shape(soc_.npu_prefill_shapes, o.prefill_tokens);
    t.npu_shape_fits = padded.has_value();
    if (padded && *padded != o.prefill_tokens)
      t.npu_groups = model::OpGraph::iteration(model_, shape_of(o.stage, o.flows, *padded)).order();
  }
  tasks_.emplace(t.id, std::move(t));
}

void SocRuntime::run(const policy::RunGroup& r) {
  auto it = tasks_.find(r.task);
  XPUSIM_CHECK(it != tasks_.end() && !it->second.running, "policy ran a task that is not paused");
  Task& t = it->second;
  const model::OpGroup& group = t.groups[t.next];
  double shares = 0;
  for (const auto& p : r.parts) {
    const int e = static_cast<int>(p.engine);
    XPUSIM_CHECK(!ddr_.busy(e) && engine_task_[e] < 0, "policy dispatched to a busy engine");
    XPUSIM_CHECK(p.share > 0 && p.share <= 1, "engine share outside (0, 1]");
    const int level = choose_level(t, p.engine, p.share);
    const hw::DvfsLevel& at = soc_.engines[e].levels()[level];
    const auto w = group_work_at(t, t.next, p.engine, p.share, at.clock);
    XPUSIM_CHECK(w.has_value(), "policy dispatched a group to an engine that cannot run it");
    engine_task_[e] = t.id;
    engine_level_[e] = level;
    engine_since_[e] = sim_.now();
    t.on[e] = true;
    ddr_.start(e, *w, *this, static_cast<std::uint64_t>(e));
    devices_[e]->set_busy(sim_.now(), at.dynamic_power_fraction(),
                          group_label(t.cls, t.stage, group.kind));
    shares += p.share;
  }
  XPUSIM_CHECK(!r.parts.empty() && std::abs(shares - 1.0) < 1e-9, "engine shares do not sum to 1");
  t.running = true;
  t.parts_left = static_cast<int>(r.parts.size());
  t.group_start_ns = sim_.now();
}

void SocRuntime::on_op_done(std::uint64_t cookie, TimeNs now) {
  const int e = static_cast<int>(cookie);
  devices_[e]->set_idle(now);
  level_busy_ns_[e][engine_level_[e]] += now - engine_since_[e];
  const int id = engine_task_[e];
  engine_task_[e] = -1;
  Task& t = tasks_.at(id);
  if (--t.parts_left == 0) finish_group(t);
  decide();
}

void SocRuntime::finish_group(Task& t) {
  ++groups_run_;
  if (t.on[kIgpu] && t.cls == FlowClass::Proactive)
    proactive_igpu_busy_ns_ += sim_.now() - t.group_start_ns;
  t.running = false;
  t.on = {};
  if (++t.next == static_cast<int>(t.groups.size())) finish_iteration(t);
}

void SocRuntime::finish_iteration(Task& t) {
  const int id = t.id;
  for (int fid : t.flows) {
    FlowState& f = flows_[fid];
    f.phase = Phase::Ready;
    if (t.stage == Stage::Prefill) {
      f.prompt_left -= t.prefill_tokens;
      f.context += t.prefill_tokens;
      if (f.prompt_left > 0) continue;
      // The last chunk's logits give the first output token.
      f.first_token_ns = sim_.now();
      f.stage = Stage::Decode;
    }
    f.output_left -= 1;
    f.context += 1;
    emit_tokens(f, 1);
    if (f.output_left == 0) turn_done(f);
  }
  tasks_.erase(id);
}

void SocRuntime::emit_tokens(const FlowState& f, std::int64_t n) {
  for (FlowObserver* o : observers_) o->on_tokens(f.spec.cls, n, sim_.now());
}

void SocRuntime::turn_done(FlowState& f) {
  const workload::AgentTurn& t = f.spec.turns[f.turn];
  const TurnRecord rec{static_cast<int>(&f - flows_.data()),
                       f.spec.cls,
                       f.turn,
                       t.prompt_tokens,
                       t.output_tokens,
                       f.turn_ready_ns,
                       f.first_token_ns,
                       sim_.now()};
  for (FlowObserver* o : observers_) o->on_turn_done(rec);
  ++turns_completed_;
  if (++f.turn == static_cast<int>(f.spec.turns.size())) {
    f.phase = Phase::Done;
    active_.erase(std::find(active_.begin(), active_.end(), rec.flow));
    kv_reserved_bytes_ -= flow_kv_bytes(model_, f.spec);
    admit_queued();
    return;
  }
  f.phase = Phase::Waiting;
  const workload::AgentTurn& next = f.spec.turns[f.turn];
  sim_.schedule_after(seconds_to_ns(next.think_s + next.tool_wait_s), *this, kTurnReady,
                      static_cast<std::uint64_t>(&f - flows_.data()));
}

}  // namespace xpusim::systems
