#pragma once
// Multi-turn sessions with prefix reuse: chat (system prompt, then user turns and responses) and
// agent sessions (system prompt and task, then reasoning + action turns separated by tool
// outputs). Each turn's prompt is the session's whole context so far plus the new segment, and
// its prefix hashes identify every hash_block_tokens-token unit of that context: units inside a
// shared system prompt are shared by every session using it, the rest are the session's own.
// Every unit carries the kind of text it holds (system, user, tool, response, reasoning). Each
// turn also names the units of its output (Request::output_hashes), so a finished turn's
// generated blocks enter the prefix cache and the next turn reuses them.
//
// Open loop (docs/prefix-cache.md, the default): turn k+1 arrives turn_time_s + a think/tool gap
// after turn k arrived, whether or not turn k has finished in the simulation. Closed loop: turn
// k+1 arrives the think/tool gap after turn k finished in the simulation (turn_time_s unused); a
// rejected or lost turn ends its session.
#include <array>
#include <cstdint>
#include <map>
#include <queue>
#include <string>
#include <vector>

#include "xpusim/core/param_binding.hpp"
#include "xpusim/core/rng.hpp"
#include "xpusim/workload/request_source.hpp"

namespace xpusim::workload {

class SessionSource final : public RequestSource {
 public:
  enum class Kind { Chat, Agent };
  enum class Loop { Open, Closed };
  struct Config {
    Kind kind = Kind::Chat;
    Loop loop = Loop::Open;
    double session_rate_per_s = 1;
    std::int64_t num_sessions = 100;
    double duration_s = 0;  // no session starts after this (0: no limit)
    std::int64_t turns_min = 2;
    std::int64_t turns_max = 8;
    std::int64_t system_prompts = 8;
    std::int64_t system_prompt_tokens = 1024;
    double user_tokens = 200;       // chat: each user message; agent: the task
    double response_tokens = 250;   // chat: the answer; agent: the action (tool call)
    double reasoning_tokens = 0;    // generated before the response; agent keeps it in context
    double tool_tokens = 1000;      // agent: each tool output
    double think_time_s = 10;       // chat: user think time; agent: tool-call duration (mean)
    double think_sigma = 1.0;       // log-normal sigma of that gap
    double turn_time_s = 2;         // assumed service time of a turn before the gap starts
    double length_sigma = 0.6;      // log-normal sigma of every segment length
    std::int64_t max_context_tokens = 32768;
    std::int32_t hash_block_tokens = 16;
    // Agent tool types, "name:mean_s[:weight],..." (empty: one tool, think_time_s/think_sigma).
    std::string tool_types;
    double tool_time_spread = 0.5;  // log-normal sigma of a call around its type's mean
    struct Tool {
      std::string name;
      double mean_s = 0;
      double weight = 1;
    };
    std::vector<Tool> tools;  // parsed from tool_types
    // Token-type reuse skew (SAECache): "type:p,..." with type user, tool, response or
    // reasoning; a segment of that type stays in the session's later context with probability
    // p, else it is used once and dropped (empty: every segment stays, the behaviour before).
    std::string type_reuse;
    std::array<double, kTokenTypes> keep{1, 1, 1, 1, 1, 1};  // parsed, by TokenType
  };

  static const ParamBinding<Config>& binding();
  SessionSource(const Config& config, std::uint64_t seed);

  std::optional<Request> next() override;
  const std::vector<std::string>& tenants() const override { return tenant_names_; }
  std::int32_t prefix_block_tokens() const override { return config_.hash_block_tokens; }
  bool request_finished(std::uint64_t id, bool completed, TimeNs finish_ns) override;
  void take_back(Request&& request) override;

 private:
  struct Segment {
    TokenType type;
    std::int64_t tokens;
    bool drop = false;  // used by the turn that added it, then dropped (type_reuse)
  };
  struct Session {
    std::uint64_t id = 0;  // 1-based (0 = no session)
    std::int64_t system_prompt = 0;
    std::int64_t turns_left = 0;
    std::int64_t turn = 0;
    std::vector<Segment> context;  // the prompt stream so far
    std::int64_t context_tokens = 0;
    TimeNs start_ns = 0;            // its first turn's arrival (program-level FCFS)
    std::int32_t pending_tool = -1;  // the tool its last turn called (-1: none / untyped)
    // Where dropped segments changed the context: from unit `first` on, units carry identities
    // of rewrite `epoch` (none: the session's original units everywhere).
    struct Rewrite {
      std::int64_t first;
      std::uint64_t epoch;
    };
    std::vector<Rewrite> rewrites;
    std::uint64_t epochs = 0;
  };
  struct Pending {  // a session's next turn, ordered by arrival then session id
    TimeNs arrival_ns;
    std::uint64_t session;
    bool operator>(const Pending& o) const {
      return arrival_ns != o.arrival_ns ? arrival_ns > o.arrival_ns : session > o.session;
    }
  };

  struct LaterReady {  // returned requests, ordered by arrival then session id
    bool operator()(const Request& a, const Request& b) const {
      return a.arrival_ns != b.arrival_ns ? a.arrival_ns > b.arrival_ns : a.session > b.session;
    }
  };

  void start_session();
  TimeNs draw_gap_after(TimeNs from_ns, const Session& s, double extra_s);
  std::int64_t draw_tokens(double mean);
  std::int32_t draw_tool();
  Request make_turn(Session& s, TimeNs arrival);
  void append(Session& s, TokenType type, std::int64_t tokens);
  bool draw_keep(TokenType type);
  void drop_marked(Session& s);
  std::uint64_t session_unit(const Session& s, std::int64_t unit) const;
  void fill_hashes(const Session& s, Request& r) const;
  void fill_output_hashes(const Session& s, std::int64_t reasoning, std::int64_t verbatim,
                          Request& r) const;

  Config config_;
  RngStream session_rng_;
  RngStream length_rng_;
  RngStream think_rng_;
  RngStream tool_rng_;  // which tool type a turn calls (drawn only when tool_types is set)
  RngStream reuse_rng_;  // whether a segment stays in context (drawn only for p < 1)
  double tool_weight_sum_ = 0;
  std::vector<std::string> tenant_names_{"default"};
  std::vector<Session> sessions_;  // by id - 1; finished ones release their context
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
  double next_session_s_ = 0;
  std::int64_t started_ = 0;
  bool sessions_done_ = false;
  std::uint64_t emitted_ = 0;
  // Closed loop: emitted turns whose session continues after them (request id -> session id),
  // and turns the feed gave back before they arrived.
  std::map<std::uint64_t, std::uint64_t> awaiting_;
  std::priority_queue<Request, std::vector<Request>, LaterReady> returned_;
};

}  // namespace xpusim::workload
