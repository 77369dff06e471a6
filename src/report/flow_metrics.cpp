#include "xpusim/report/flow_metrics.hpp"

#include "xpusim/report/text_format.hpp"

namespace xpusim::report {

void FlowMetrics::on_tokens(workload::FlowClass cls, std::int64_t tokens, TimeNs /*now*/) {
  tokens_[static_cast<int>(cls)] += tokens;
}

void FlowMetrics::on_turn_done(const systems::TurnRecord& r) {
  const int c = static_cast<int>(r.cls);
  ++turns_[c];
  ttft_ns_[c].add(static_cast<double>(r.first_token_ns - r.ready_ns));
  e2e_ns_[c].add(static_cast<double>(r.done_ns - r.ready_ns));
  records_.push_back(r);
}

nlohmann::json FlowMetrics::summary(double elapsed_s) const {
  nlohmann::json j = nlohmann::json::object();
  for (auto cls : {workload::FlowClass::Reactive, workload::FlowClass::Proactive}) {
    const int c = static_cast<int>(cls);
    nlohmann::json s = nlohmann::json::object();
    s["turns_completed"] = turns_[c];
    s["output_tokens"] = tokens_[c];
    s["tokens_per_s"] = elapsed_s > 0 ? static_cast<double>(tokens_[c]) / elapsed_s : 0.0;
    s["ttft_s"] = ttft_ns_[c].to_json(1e9);
    s["e2e_s"] = e2e_ns_[c].to_json(1e9);
    j[workload::flow_class_name(cls)] = s;
  }
  return j;
}

void FlowMetrics::write_turns_csv(std::ostream& out) const {
  out << "flow,class,turn,prompt_tokens,output_tokens,ready_s,ttft_s,e2e_s\n";
  for (const auto& r : records_) {
    out << r.flow << ',' << workload::flow_class_name(r.cls) << ',' << r.turn << ','
        << r.prompt_tokens << ',' << r.output_tokens << ',';
    write_ns_as_seconds(out, r.ready_ns);
    out << ',';
    write_ns_as_seconds(out, r.first_token_ns - r.ready_ns);
    out << ',';
    write_ns_as_seconds(out, r.done_ns - r.ready_ns);
    out << '\n';
  }
}

}  // namespace xpusim::report
