#include "xpusim/report/summary_table.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "xpusim/report/text_format.hpp"

namespace xpusim::report {
namespace {

constexpr std::size_t kMaxDevicesListed = 8;

using nlohmann::json;

const json* find(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

// A number with `decimals` decimals scaled by `scale`, or "-" for null / missing.
std::string num(const json* j, int decimals, double scale = 1.0) {
  if (j == nullptr || !j->is_number()) return "-";
  return format_fixed(j->get<double>() * scale, decimals);
}

std::string field(const json& j, const char* key, int decimals, double scale = 1.0) {
  return num(find(j, key), decimals, scale);
}

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

void write_requests(std::ostream& os, const json& s) {
  const json* r = find(s, "requests");
  if (r == nullptr) return;
  os << "requests     arrived " << field(*r, "arrived", 0) << "   completed "
     << field(*r, "completed", 0) << "   rejected " << field(*r, "rejected", 0)
     << "   preemptions " << field(*r, "preempted", 0) << '\n';
}

void write_throughput(std::ostream& os, const json& s) {
  const json* t = find(s, "throughput");
  if (t == nullptr || find(*t, "requests_per_s") == nullptr) return;  // serving runs only
  os << "throughput   " << field(*t, "requests_per_s", 3) << " req/s   "
     << field(*t, "input_tokens_per_s", 1) << " input tok/s   "
     << field(*t, "output_tokens_per_s", 1) << " output tok/s\n";
}

void write_latencies(std::ostream& os, const json& s) {
  const std::pair<const char*, const char*> rows[] = {
      {"TTFT", "ttft_s"}, {"TBT", "tbt_s"}, {"TPOT", "tpot_s"}, {"E2E", "e2e_s"}, {"JCT", "jct_s"}};
  bool header = false;
  for (const auto& [label, key] : rows) {
    const json* m = find(s, key);
    if (m == nullptr) continue;
    if (!header) {
      os << "latency (ms)" << pad("mean", 12) << pad("p50", 12) << pad("p90", 12)
         << pad("p99", 12) << pad("max", 12) << pad("count", 12) << '\n';
      header = true;
    }
    os << "  " << label << std::string(10 - std::string(label).size(), ' ');
    for (const char* q : {"mean", "p50", "p90", "p99", "max"}) os << pad(field(*m, q, 3, 1e3), 12);
    os << pad(field(*m, "count", 0), 12) << '\n';
  }
}

void write_goodput(std::ostream& os, const json& s) {
  const json* g = find(s, "goodput");
  if (g == nullptr) return;
  os << "goodput      " << field(*g, "fraction", 2, 100.0) << "% of requests   "
     << field(*g, "requests_per_s", 3) << " req/s   (SLO TTFT " << field(*g, "slo_ttft_s", 3)
     << " s, TPOT " << field(*g, "slo_tpot_s", 3) << " s)\n";
}

// Multi-turn sessions: program-level job completion time (first arrival to last finish).
void write_sessions(std::ostream& os, const json& s) {
  const json* ss = find(s, "sessions");
  if (ss == nullptr) return;
  const json* jct = find(*ss, "jct_s");
  os << "sessions     complete " << field(*ss, "complete", 0) << " of " << field(*ss, "sessions", 0)
     << "   JCT mean " << (jct ? field(*jct, "mean", 3) : "-") << " s, p50 "
     << (jct ? field(*jct, "p50", 3) : "-") << " s, p99 " << (jct ? field(*jct, "p99", 3) : "-")
     << " s\n";
}

// MoE served with expert parallelism: balance, communication, placements.
void write_serving_moe(std::ostream& os, const json& s) {
  const json* m = find(s, "moe");
  if (m == nullptr) return;
  const json* imb = find(*m, "imbalance");
  const json* moves = find(*m, "weight_moves");
  os << "moe          EP " << field(*m, "expert_parallel", 0) << ' '
     << (find(*m, "placement") && (*m)["placement"].is_string()
             ? (*m)["placement"].get<std::string>()
             : std::string("-"))
     << "   imbalance mean " << (imb ? field(*imb, "mean", 3) : "-") << ", p99 "
     << (imb ? field(*imb, "p99", 3) : "-") << "   all-to-all "
     << field(*m, "all_to_all_share", 1, 100.0) << "% of time   rebalances "
     << field(*m, "rebalances", 0) << " (" << (moves ? field(*moves, "bytes", 2, 1e-9) : "-")
     << " GB moved)\n";
}

// MoE served with its routed experts offloaded to host memory: cache, CPU, PCIe.
void write_serving_offload(std::ostream& os, const json& s) {
  const json* o = find(s, "offload");
  const json* ex = o ? find(*o, "experts") : nullptr;
  if (ex == nullptr) return;
  os << "offload      " << ((*o)["policy"].is_string() ? (*o)["policy"].get<std::string>() : "-")
     << "   cache hit " << field(*ex, "cache_hit_rate", 1, 100.0) << "%   on CPU "
     << field(*ex, "cpu_share", 1, 100.0) << "%   fetched " << field(*ex, "fetched_on_demand", 0)
     << " (" << field(*o, "fetched_bytes", 2, 1e-9) << " GB)   routed experts "
     << field(*o, "routed_expert_share", 1, 100.0) << "% of time\n";
}

void write_energy(std::ostream& os, const json& s) {
  const json* e = find(s, "energy");
  if (e == nullptr) return;
  os << "energy       " << field(*e, "total_j", 1) << " J   "
     << field(*e, "j_per_output_token", 4) << " J/output token\n";
}

void write_utilization(std::ostream& os, const json& s) {
  const json* u = find(s, "utilization");
  if (u == nullptr || !u->is_object() || u->empty()) return;
  os << "utilization ";
  if (u->size() <= kMaxDevicesListed) {
    for (const auto& [name, value] : u->items()) os << "  " << name << ' ' << num(&value, 1, 100.0) << '%';
    os << '\n';
    return;
  }
  double sum = 0, lo = 1e300, hi = -1e300;
  for (const auto& [name, value] : u->items()) {
    const double v = value.is_number() ? value.get<double>() : 0.0;
    sum += v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  os << "  " << u->size() << " devices: mean " << format_fixed(100.0 * sum / static_cast<double>(u->size()), 1)
     << "%  min " << format_fixed(100.0 * lo, 1) << "%  max " << format_fixed(100.0 * hi, 1)
     << "%\n";
}

// In-network aggregation (system: ina): jobs, switch memory and where the traffic went.
void write_ina(std::ostream& os, const json& s) {
  const json* jobs = find(s, "jobs");
  const json* mem = find(s, "switch_memory");
  const json* traffic = find(s, "traffic");
  if (jobs == nullptr || mem == nullptr || traffic == nullptr) return;
  os << "jobs         total " << field(*jobs, "total", 0) << "   completed " << field(*jobs, "completed", 0)
     << "   unfinished " << field(*jobs, "unfinished", 0) << '\n';
  os << "switch       " << field(*mem, "slots", 0) << " slots   mean utilization "
     << field(*mem, "mean_utilization", 1, 100.0) << "%   peak " << field(*mem, "peak_occupied_slots", 0)
     << " slots\n";
  os << "traffic      " << field(*traffic, "in_switch_fraction", 1, 100.0) << "% aggregated in switch   "
     << field(*traffic, "fallback_packets", 0) << " packets + " << field(*traffic, "evicted_partials", 0)
     << " evicted partials to parameter servers\n";
}

// SoC agent flows (system: soc): latency per turn of each class, proactive throughput.
void write_flows(std::ostream& os, const json& s) {
  for (const char* cls : {"reactive", "proactive"}) {
    const json* c = find(s, cls);
    if (c == nullptr) continue;
    const json* ttft = find(*c, "ttft_s");
    const json* e2e = find(*c, "e2e_s");
    os << (std::string(cls) + std::string(13 - std::string(cls).size(), ' ')) << field(*c, "turns_completed", 0)
       << " turns   TTFT mean " << (ttft ? field(*ttft, "mean", 1, 1e3) : "-") << " ms, p99 "
       << (ttft ? field(*ttft, "p99", 1, 1e3) : "-") << " ms   E2E mean "
       << (e2e ? field(*e2e, "mean", 1, 1e3) : "-") << " ms   " << field(*c, "tokens_per_s", 2)
       << " tok/s\n";
  }
  if (const json* b = find(s, "igpu_busy_fraction"))
    os << "iGPU busy    " << num(b, 1, 100.0) << "%\n";
}

// MoE under expert parallelism (system: moe): step time against an ideally balanced run.
void write_moe(std::ostream& os, const json& s) {
  const json* step = find(s, "step_time_s");
  const json* imb = find(s, "imbalance");
  if (step == nullptr || imb == nullptr) return;
  const json* t = find(s, "throughput");
  os << "steps        " << field(s, "steps", 0) << "   step time mean " << field(*step, "mean", 1, 1e3)
     << " ms, p99 " << field(*step, "p99", 1, 1e3) << " ms   ideal " << field(s, "ideal_step_time_s", 1, 1e3)
     << " ms\n";
  os << "imbalance    max/mean per layer: mean " << field(*imb, "mean", 3) << ", max " << field(*imb, "max", 3)
     << "   time lost " << field(s, "time_lost_to_imbalance_s", 3) << " s\n";
  if (t != nullptr)
    os << "throughput   " << field(*t, "tokens_per_s", 0) << " tok/s   "
       << field(*t, "fraction_of_ideal", 1, 100.0) << "% of ideal\n";
}

// MoE with offloaded experts (system: moe_offload): iteration time and where experts ran.
void write_offload(std::ostream& os, const json& s) {
  const json* it = find(s, "iteration_time_s");
  const json* ex = find(s, "experts");
  if (it == nullptr || ex == nullptr) return;
  const json* t = find(s, "throughput");
  os << "iterations   " << field(s, "iterations", 0) << "   time mean " << field(*it, "mean", 2, 1e3)
     << " ms, p99 " << field(*it, "p99", 2, 1e3) << " ms   " << (t ? field(*t, "tokens_per_s", 1) : "-")
     << " tok/s\n";
  os << "experts      cache hit " << field(*ex, "cache_hit_rate", 1, 100.0) << "%   on CPU "
     << field(*ex, "cpu_share", 1, 100.0) << "%   fetched " << field(*ex, "fetched_on_demand", 0)
     << "   substituted " << field(*ex, "substituted", 0) << '\n';
  const json* q = find(s, "quality_loss");
  if (q != nullptr && q->value("substituted_mass_share", 0.0) > 0)
    os << "quality      substituted routing mass " << field(*q, "substituted_mass_share", 2, 100.0)
       << "%   similarity-weighted " << field(*q, "similarity_weighted_loss", 2, 100.0) << "%\n";
}

}  // namespace

std::string format_summary_table(const nlohmann::json& summary) {
  std::ostringstream os;
  write_requests(os, summary);
  write_ina(os, summary);
  write_flows(os, summary);
  write_moe(os, summary);
  write_offload(os, summary);
  write_throughput(os, summary);
  write_latencies(os, summary);
  write_goodput(os, summary);
  write_sessions(os, summary);
  write_serving_moe(os, summary);
  write_serving_offload(os, summary);
  write_energy(os, summary);
  write_utilization(os, summary);
  return os.str();
}

}  // namespace xpusim::report
