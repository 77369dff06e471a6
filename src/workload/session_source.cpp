#include "xpusim/workload/session_source.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "xpusim/core/error.hpp"
#include "xpusim/core/excerpt.hpp"

namespace xpusim::workload {

namespace {

std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Identity of hash unit `unit` of a stream owned by `owner` (a system prompt or a session).
std::uint64_t unit_id(std::uint64_t domain, std::uint64_t owner, std::uint64_t unit) {
  return mix(mix(domain ^ mix(owner)) ^ unit);
}

constexpr std::uint64_t kSystemDomain = 0x5157ULL, kSessionDomain = 0x5e55ULL, kOutputDomain = 0x0a75ULL,
                        kRewriteDomain = 0x4e77ULL;

// Past int64 nanoseconds (~292 years) nothing can be simulated: say which keys got there.
constexpr double kMaxArrivalS = 9.2e9;

TimeNs checked_arrival(double seconds, const std::string& what, const char* keys) {
  if (!(seconds < kMaxArrivalS)) {
    char at[32];
    std::snprintf(at, sizeof at, "%.3g", seconds);
    throw Error("workload: " + what + " would arrive at " + at +
                " s, past the simulable 9.2e9 s (int64 ns); " + keys);
  }
  return seconds_to_ns(seconds);
}

// "name:mean_s[:weight],..." -> tools; an error names the item and what was expected.
void parse_tools(SessionSource::Config& c) {
  c.tools.clear();
  if (c.tool_types.find_first_not_of(" \t") == std::string::npos) return;
  const char* expected = "name:mean_s or name:mean_s:weight, mean_s and weight > 0";
  std::size_t start = 0;
  while (start <= c.tool_types.size()) {
    const std::size_t end = std::min(c.tool_types.find(',', start), c.tool_types.size());
    const std::string item = c.tool_types.substr(start, end - start);
    start = end + 1;
    std::vector<std::string> f;
    for (std::size_t a = 0;;) {
      const std::size_t b = item.find(':', a);
      std::string part = item.substr(a, b == std::string::npos ? std::string::npos : b - a);
      const auto l = part.find_first_not_of(" \t"), r = part.find_last_not_of(" \t");
      f.push_back(l == std::string::npos ? std::string() : part.substr(l, r - l + 1));
      if (b == std::string::npos) break;
      a = b + 1;
    }
    const auto number = [&](const std::string& text) {
      char* stop = nullptr;
      const double v = text.empty() ? NAN : std::strtod(text.c_str(), &stop);
      if (text.empty() || *stop != '\0' || !std::isfinite(v) || v <= 0 || v > 1e6)
        throw ParamError("tool_types", quoted_excerpt(item) + " is not " + expected);
      return v;
    };
    if (f.size() < 2 || f.size() > 3 || f[0].empty())
      throw ParamError("tool_types", quoted_excerpt(item) + " is not " + expected);
    SessionSource::Config::Tool t{f[0], number(f[1]), f.size() == 3 ? number(f[2]) : 1.0};
    for (const auto& other : c.tools)
      if (other.name == t.name)
        throw ParamError("tool_types", "tool type '" + t.name + "' is listed twice");
    c.tools.push_back(std::move(t));
  }
}

// "type:p,..." -> keep probabilities by token type (system prompts always stay).
void parse_type_reuse(SessionSource::Config& c) {
  c.keep.fill(1.0);
  if (c.type_reuse.find_first_not_of(" \t") == std::string::npos) return;
  const char* expected = "type:p with type user, tool, response or reasoning and 0 <= p <= 1";
  std::array<bool, kTokenTypes> seen{};
  std::size_t start = 0;
  while (start <= c.type_reuse.size()) {
    const std::size_t end = std::min(c.type_reuse.find(',', start), c.type_reuse.size());
    const std::string item = c.type_reuse.substr(start, end - start);
    start = end + 1;
    const std::size_t colon = item.find(':');
    const auto trim = [](std::string t) {
      const auto l = t.find_first_not_of(" \t"), r = t.find_last_not_of(" \t");
      return l == std::string::npos ? std::string() : t.substr(l, r - l + 1);
    };
    if (colon == std::string::npos)
      throw ParamError("type_reuse", quoted_excerpt(item) + " is not " + expected);
    const std::string name = trim(item.substr(0, colon)), value = trim(item.substr(colon + 1));
    std::size_t t = 0;
    for (const TokenType type : {TokenType::User, TokenType::Tool, TokenType::Response, TokenType::Reasoning})
      if (token_type_name(type) == name) t = static_cast<std::size_t>(type);
    char* stop = nullptr;
    const double v = value.empty() ? NAN : std::strtod(value.c_str(), &stop);
    if (t == 0 || value.empty() || *stop != '\0' || !(v >= 0 && v <= 1))
      throw ParamError("type_reuse", quoted_excerpt(item) + " is not " + expected);
    if (seen[t]) throw ParamError("type_reuse", "token type '" + name + "' is listed twice");
    seen[t] = true;
    c.keep[t] = v;
  }
}

}  // namespace

const ParamBinding<SessionSource::Config>& SessionSource::binding() {
  static const auto b = ParamBinding<Config>()
      .choice(XPUSIM_KEY(Config, kind), {{"chat", Kind::Chat}, {"agent", Kind::Agent}},
           "chat: user turns and responses (reasoning dropped from later context); agent: a task, "
           "then reasoning + action turns separated by tool outputs (all kept in context)")
      .choice(XPUSIM_KEY(Config, loop), {{"open", Loop::Open}, {"closed", Loop::Closed}},
           "open: a turn arrives turn_time_s + the gap after the previous one arrived; closed: the "
           "gap after the previous one finished in the simulation (turn_time_s unused; a rejected "
           "or lost turn ends its session)")
      .real(XPUSIM_KEY(Config, session_rate_per_s), "1/s", "mean rate at which sessions start (Poisson)",
            {.min = 0, .max = 1e9, .min_exclusive = true})
      .required()
      .integer(XPUSIM_KEY(Config, num_sessions), "", "sessions to generate", {.min = 1})
      .real(XPUSIM_KEY(Config, duration_s), "s", "no session starts after this (0: no limit)", {.min = 0, .max = 9e9})
      .integer(XPUSIM_KEY(Config, turns_min), "", "fewest turns (requests) per session", {.min = 1, .max = 10000})
      .integer(XPUSIM_KEY(Config, turns_max), "", "most turns per session (uniform between)", {.min = 1, .max = 10000})
      .integer(XPUSIM_KEY(Config, system_prompts), "",
               "distinct shared system prompts/templates; each session uses one at random",
               {.min = 1, .max = 1'000'000})
      .integer(XPUSIM_KEY(Config, system_prompt_tokens), "tokens", "length of every system prompt", {.min = 0, .max = 1'000'000})
      .real(XPUSIM_KEY(Config, user_tokens), "tokens", "mean user message (agent: the task)", {.min = 1, .max = 1e6})
      .real(XPUSIM_KEY(Config, response_tokens), "tokens", "mean response (agent: the action / tool call)",
            {.min = 1, .max = 1e6})
      .real(XPUSIM_KEY(Config, reasoning_tokens), "tokens", "mean reasoning generated before each response (0: none)",
            {.min = 0, .max = 1e6})
      .real(XPUSIM_KEY(Config, tool_tokens), "tokens", "agent: mean tool output fed back each turn", {.min = 1, .max = 1e6})
      .real(XPUSIM_KEY(Config, think_time_s), "s", "mean gap before the next turn: user think time (chat) or tool "
            "duration (agent), log-normal", {.min = 0, .max = 1e6, .min_exclusive = true})
      .real(XPUSIM_KEY(Config, think_sigma), "", "log-normal sigma of that gap", {.min = 0, .max = 5})
      .real(XPUSIM_KEY(Config, turn_time_s), "s", "assumed service time of a turn before the gap starts (open loop only)",
            {.min = 0, .max = 1e6})
      .real(XPUSIM_KEY(Config, length_sigma), "", "log-normal sigma of every segment length (mean kept)", {.min = 0, .max = 5})
      .integer(XPUSIM_KEY(Config, max_context_tokens), "tokens", "a session ends when its context reaches this",
               {.min = 16, .max = 10'000'000})
      .integer(XPUSIM_KEY(Config, hash_block_tokens), "tokens", "tokens each prefix hash stands for", {.min = 1, .max = 1'000'000})
      .string(XPUSIM_KEY(Config, tool_types),
              "agent: tool types each turn's call is drawn from, \"name:mean_s[:weight],...\" "
              "(e.g. \"search:2,build:30:0.5\"); a call lasts a log-normal time with its type's "
              "mean and sigma tool_time_spread; empty: one tool, think_time_s and think_sigma")
      .real(XPUSIM_KEY(Config, tool_time_spread), "",
            "log-normal sigma of one tool call's duration around its type's mean (tool_types)",
            {.min = 0, .max = 5})
      .string(XPUSIM_KEY(Config, type_reuse),
              "token-type reuse skew (SAECache): \"type:p,...\" (type user, tool, response or "
              "reasoning, 0 <= p <= 1); each new segment of that type stays in the session's "
              "later context with probability p, else only the turn that added it sees it; "
              "empty: every segment stays (docs/prefix-cache.md)")
      .derive(parse_tools)
      .derive(parse_type_reuse)
      .rule([](const Config& c) {
        if (c.turns_min > c.turns_max)
          throw ParamError("turns_min", "turns_min must not exceed turns_max");
        if (!c.tools.empty() && c.kind != Kind::Agent)
          throw ParamError("tool_types", "tool types apply to kind: agent only");
      });
  return b;
}


SessionSource::SessionSource(const Config& config, std::uint64_t seed)
    : config_(config),
      session_rng_(seed, "workload.sessions.starts"),
      length_rng_(seed, "workload.sessions.lengths"),
      think_rng_(seed, "workload.sessions.think"),
      tool_rng_(seed, "workload.sessions.tools"),
      reuse_rng_(seed, "workload.sessions.reuse") {
  XPUSIM_CHECK(config.session_rate_per_s > 0 && config.hash_block_tokens > 0, "bad session source config");
  for (const auto& t : config_.tools) tool_weight_sum_ += t.weight;
  next_session_s_ = session_rng_.exponential(config_.session_rate_per_s);
}

std::int64_t SessionSource::draw_tokens(double mean) {
  if (mean <= 0) return 0;
  const double s = config_.length_sigma;
  const double x = length_rng_.lognormal(std::log(mean) - 0.5 * s * s, s);
  return std::max<std::int64_t>(1, std::llround(x));
}

std::int32_t SessionSource::draw_tool() {
  double x = tool_rng_.uniform01() * tool_weight_sum_;
  for (std::size_t t = 0; t + 1 < config_.tools.size(); ++t) {
    if (x < config_.tools[t].weight) return static_cast<std::int32_t>(t);
    x -= config_.tools[t].weight;
  }
  return static_cast<std::int32_t>(config_.tools.size()) - 1;
}

void SessionSource::start_session() {
  Session s;
  s.id = sessions_.size() + 1;
  s.system_prompt = session_rng_.uniform_int(0, config_.system_prompts - 1);
  s.turns_left = session_rng_.uniform_int(config_.turns_min, config_.turns_max);
  s.start_ns = checked_arrival(next_session_s_, "session " + std::to_string(s.id),
                               "raise workload.session_rate_per_s, lower "
                               "workload.num_sessions or set workload.duration_s");
  pending_.push({s.start_ns, s.id});
  sessions_.push_back(std::move(s));
  ++started_;
  next_session_s_ += session_rng_.exponential(config_.session_rate_per_s);
  if (started_ >= config_.num_sessions || (config_.duration_s > 0 && next_session_s_ > config_.duration_s))
    sessions_done_ = true;
}

void SessionSource::append(Session& s, TokenType type, std::int64_t tokens) {
  if (tokens <= 0) return;
  s.context.push_back({type, tokens});
  s.context_tokens += tokens;
}

bool SessionSource::draw_keep(TokenType type) {
  const double p = config_.keep[static_cast<std::size_t>(type)];
  return p >= 1 || (p > 0 && reuse_rng_.uniform01() < p);
}

// Segments the previous turn used once leave the context; every unit from the first one's
// start on now holds other text, so it gets identities of a new rewrite epoch.
void SessionSource::drop_marked(Session& s) {
  std::int64_t pos = 0, first = -1;
  std::vector<Segment> kept;
  for (const Segment& g : s.context) {
    if (g.drop) {
      if (first < 0) first = pos;
    } else {
      kept.push_back(g);
    }
    pos += g.tokens;
  }
  if (first < 0) return;
  const std::int64_t unit = first / config_.hash_block_tokens;
  while (!s.rewrites.empty() && s.rewrites.back().first >= unit) s.rewrites.pop_back();
  s.rewrites.push_back({unit, ++s.epochs});
  s.context = std::move(kept);
  s.context_tokens = 0;
  for (const Segment& g : s.context) s.context_tokens += g.tokens;
}

std::uint64_t SessionSource::session_unit(const Session& s, std::int64_t unit) const {
  const auto u = static_cast<std::uint64_t>(unit);
  for (auto it = s.rewrites.rbegin(); it != s.rewrites.rend(); ++it)
    if (it->first <= unit) return unit_id(kRewriteDomain, mix(s.id) ^ mix(it->epoch), u);
  return unit_id(kSessionDomain, s.id, u);
}

// One hash per unit of the prompt (the last may be partial). A unit wholly inside the system
// prompt is shared by every session with that prompt; any other unit belongs to the session.
void SessionSource::fill_hashes(const Session& s, Request& r) const {
  const std::int64_t p = config_.hash_block_tokens;
  const std::int64_t n = (r.prompt_tokens + p - 1) / p;
  const std::int64_t system_tokens = s.context.empty() || s.context[0].type != TokenType::System
                                         ? 0 : s.context[0].tokens;
  r.prefix_hashes.reserve(static_cast<std::size_t>(n));
  r.prefix_types.reserve(static_cast<std::size_t>(n));
  std::size_t seg = 0;
  std::int64_t seg_end = s.context.empty() ? 0 : s.context[0].tokens;
  for (std::int64_t j = 0; j < n; ++j) {
    const std::int64_t last = std::min<std::int64_t>((j + 1) * p, r.prompt_tokens) - 1;
    while (last >= seg_end && seg + 1 < s.context.size()) seg_end += s.context[++seg].tokens;
    const bool shared = (j + 1) * p <= system_tokens;
    r.prefix_hashes.push_back(shared ? unit_id(kSystemDomain, static_cast<std::uint64_t>(s.system_prompt),
                                               static_cast<std::uint64_t>(j))
                                     : session_unit(s, j));
    r.prefix_types.push_back(s.context[seg].type);
  }
}

// The units of what the turn generates (reasoning, then response), continuing its prompt's
// units from the prompt's partial last one. The first `verbatim` output tokens stay where they
// are in the next turn's context (agent; chat without reasoning; less when type_reuse drops a
// segment): units wholly inside them are the session's units at those positions, so the next
// turn finds the generated blocks cached. Any other unit (chat drops the reasoning from later
// context) gets an identity of its own that no later prompt shares.
void SessionSource::fill_output_hashes(const Session& s, std::int64_t reasoning, std::int64_t verbatim,
                                       Request& r) const {
  const std::int64_t p = config_.hash_block_tokens;
  const std::int64_t begin = r.prompt_tokens, end = begin + r.output_tokens;
  const std::uint64_t turn_owner = mix(s.id) ^ static_cast<std::uint64_t>(s.turn);
  for (std::int64_t u = begin / p; u * p < end; ++u) {
    const auto unit = static_cast<std::uint64_t>(u);
    const bool kept = std::min((u + 1) * p, end) - 1 - begin < verbatim;
    r.output_hashes.push_back(kept ? session_unit(s, u) : unit_id(kOutputDomain, turn_owner, unit));
    const std::int64_t last = std::min((u + 1) * p, end) - 1;
    r.output_types.push_back(last - begin < reasoning ? TokenType::Reasoning : TokenType::Response);
  }
}

Request SessionSource::make_turn(Session& s, TimeNs arrival) {
  const bool agent = config_.kind == Kind::Agent;
  drop_marked(s);
  if (s.turn == 0) append(s, TokenType::System, config_.system_prompt_tokens);
  const TokenType fresh = s.turn == 0 || !agent ? TokenType::User : TokenType::Tool;
  append(s, fresh, draw_tokens(fresh == TokenType::User ? config_.user_tokens : config_.tool_tokens));
  const bool fresh_kept = draw_keep(fresh);
  if (!fresh_kept && !s.context.empty() && s.context.back().type == fresh) s.context.back().drop = true;
  // A context past the limit is cut at the limit, and this turn is the session's last.
  if (s.context_tokens >= config_.max_context_tokens) {
    s.context.back().tokens -= s.context_tokens - config_.max_context_tokens;
    s.context_tokens = config_.max_context_tokens;
    s.turns_left = 1;
  }
  const std::int64_t reasoning = draw_tokens(config_.reasoning_tokens);
  const std::int64_t response = draw_tokens(config_.response_tokens);
  Request r;
  r.id = emitted_++;
  r.arrival_ns = arrival;
  r.prompt_tokens = static_cast<std::int32_t>(s.context_tokens);
  r.output_tokens = static_cast<std::int32_t>(reasoning + response);
  r.session = s.id;
  r.program_arrival_ns = s.start_ns;
  fill_hashes(s, r);
  // What the next turn sees of this one: chat templates drop the reasoning, agents keep it;
  // type_reuse may drop either output segment, or the new prompt segment (then the output
  // moves to other positions in the next context).
  const bool reasoning_kept = agent && draw_keep(TokenType::Reasoning);
  const bool response_kept = draw_keep(TokenType::Response);
  std::int64_t verbatim = 0;
  if (fresh_kept && (reasoning == 0 || reasoning_kept))
    verbatim = reasoning + (response_kept ? response : 0);
  fill_output_hashes(s, reasoning, verbatim, r);
  if (reasoning_kept) append(s, TokenType::Reasoning, reasoning);
  if (response_kept) append(s, TokenType::Response, response);
  ++s.turn;
  --s.turns_left;
  return r;
}

TimeNs SessionSource::draw_gap_after(TimeNs from_ns, const Session& s, double extra_s) {
  // A typed tool call lasts its type's mean (log-normal, mean kept); else the think time.
  const bool typed = s.pending_tool >= 0;
  const double sigma = typed ? config_.tool_time_spread : config_.think_sigma;
  const double mean = typed ? config_.tools[static_cast<std::size_t>(s.pending_tool)].mean_s
                            : config_.think_time_s;
  const double gap = think_rng_.lognormal(std::log(mean) - 0.5 * sigma * sigma, sigma);
  return checked_arrival(ns_to_seconds(from_ns) + extra_s + gap,
                         "turn " + std::to_string(s.turn + 1) + " of session " + std::to_string(s.id),
                         "lower workload.think_time_s, workload.turn_time_s or workload.turns_max");
}

std::optional<Request> SessionSource::next() {
  // A session starting before the earliest pending turn goes first.
  while (!sessions_done_ &&
         (pending_.empty() || next_session_s_ * 1e9 <= double(pending_.top().arrival_ns)))
    start_session();
  // A turn the feed gave back goes before a pending turn that arrives later (closed loop).
  if (!returned_.empty() &&
      (pending_.empty() || !(Pending{returned_.top().arrival_ns, returned_.top().session} > pending_.top()))) {
    Request r = returned_.top();
    returned_.pop();
    r.id = emitted_++;
    if (r.expects_followup) awaiting_.emplace(r.id, r.session);
    return r;
  }
  if (pending_.empty()) return std::nullopt;
  const Pending turn = pending_.top();
  pending_.pop();
  Session& s = sessions_[turn.session - 1];
  Request r = make_turn(s, turn.arrival_ns);
  if (s.turns_left > 0 && s.context_tokens < config_.max_context_tokens) {
    r.expects_followup = true;
    if (!config_.tools.empty()) r.tool_type = s.pending_tool = draw_tool();
    if (config_.loop == Loop::Closed) awaiting_.emplace(r.id, s.id);
    else pending_.push({draw_gap_after(turn.arrival_ns, s, config_.turn_time_s), s.id});
  } else {
    s.context = {};  // finished: free its memory
  }
  return r;
}

bool SessionSource::request_finished(std::uint64_t id, bool completed, TimeNs finish_ns) {
  const auto it = awaiting_.find(id);
  if (it == awaiting_.end()) return false;
  Session& s = sessions_[it->second - 1];
  awaiting_.erase(it);
  if (!completed) {
    s.context = {};  // a rejected or lost turn ends its session
    return false;
  }
  pending_.push({draw_gap_after(finish_ns, s, 0), s.id});
  return true;
}

void SessionSource::take_back(Request&& request) {
  XPUSIM_CHECK(request.id + 1 == emitted_, "take_back: not the last request emitted");
  awaiting_.erase(request.id);
  --emitted_;
  returned_.push(std::move(request));
}

}  // namespace xpusim::workload
