#include "xpusim/workload/routing_trace.hpp"

#include <limits>
#include <string>

#include "xpusim/core/error.hpp"
#include "xpusim/workload/csv_reader.hpp"

namespace xpusim::workload {

namespace {

// "e<i>"; built by appending: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
std::string expert_column(std::size_t i) {
  std::string name(1, 'e');
  name += std::to_string(i);
  return name;
}

constexpr const char* kHeaderHint = "the header 'micro_batch,layer,e0,e1,...'";

// The rows of one line as non-negative integers; every error names file, line and column.
void parse_row(const CsvReader& csv, std::vector<std::int64_t>& out) {
  out.clear();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  for (std::size_t i = 0; i < csv.field_count(); ++i) {
    const std::string column = i == 0 ? "micro_batch" : i == 1 ? "layer" : expert_column(i - 2);
    out.push_back(csv.integer(i, column, 0, kMax));
  }
}

}  // namespace

RoutingTrace::RoutingTrace(const std::filesystem::path& path, int layers, int experts,
                           std::int64_t tokens, int top_k)
    : layers_(layers), experts_(experts) {
  // Read when the scenario is loaded (so `validate` checks it) and again when it runs.
  require_rereadable(path, "a routing trace");
  CsvReader csv(path);  // a directory, a device or a missing file is an error naming the path
  bool header = false;
  std::vector<std::int64_t> f;
  while (csv.next_line()) {
    if (csv.line_text().front() == '#') continue;
    if (!header) {
      if (csv.field_count() < 2 || csv.field(0) != "micro_batch" || csv.field(1) != "layer")
        csv.fail(std::string("expected ") + kHeaderHint);
      header = true;
      continue;
    }
    if (csv.field_count() != static_cast<std::size_t>(experts) + 2)
      csv.fail("expected " + std::to_string(experts + 2) + " columns (micro_batch, layer and " +
               std::to_string(experts) + " expert counts), got " +
               std::to_string(csv.field_count()));
    parse_row(csv, f);
    check_counts(csv, f, tokens, top_k);
    const auto mb = static_cast<std::size_t>(f[0]);
    const auto layer = static_cast<std::size_t>(f[1]);
    const bool starts_next =
        batches_.empty() || batches_.back().size() == static_cast<std::size_t>(layers);
    if (starts_next) {
      if (mb != batches_.size() || layer != 0)
        csv.fail("expected micro_batch " + std::to_string(batches_.size()) +
                 " layer 0 (rows go in order, every layer of a micro-batch)");
      batches_.emplace_back();
    } else if (mb + 1 != batches_.size() || layer != batches_.back().size()) {
      csv.fail("expected micro_batch " + std::to_string(batches_.size() - 1) + " layer " +
               std::to_string(batches_.back().size()));
    }
    batches_.back().emplace_back(f.begin() + 2, f.end());
  }
  if (!header) throw Error(csv.file_name() + ": empty routing trace (expected " + kHeaderHint + ")");
  if (batches_.empty())
    throw Error(csv.file_name() + ": no data rows after the header (expected one row per "
                                  "micro-batch and MoE layer)");
  if (batches_.back().size() != static_cast<std::size_t>(layers))
    throw Error(csv.file_name() + ": the last micro-batch has " +
                std::to_string(batches_.back().size()) + " layers, expected " +
                std::to_string(layers));
}

void RoutingTrace::check_counts(const CsvReader& csv, const std::vector<std::int64_t>& f,
                                std::int64_t tokens, int top_k) {
  if (tokens <= 0 || top_k <= 0) return;
  // A token picks top_k distinct experts: an expert gets at most `tokens` of them and a row
  // at most tokens x top_k. More means the trace was recorded for another batch size (or is
  // corrupt); replaying it would report impossible loads.
  std::int64_t sum = 0;
  for (std::size_t i = 2; i < f.size(); ++i) {
    if (f[i] > tokens)
      csv.fail(expert_column(i - 2) + " routes " + std::to_string(f[i]) +
               " tokens, more than the micro-batch's " + std::to_string(tokens) +
               " (a token picks an expert at most once)");
    sum += f[i];  // <= experts x tokens: no overflow
  }
  const std::int64_t cap = tokens * top_k;
  if (sum > cap)
    csv.fail("the row routes " + std::to_string(sum) + " token-expert pairs, more than " +
             std::to_string(tokens) + " tokens x top-" + std::to_string(top_k) + " = " +
             std::to_string(cap));
}

void RoutingTrace::next(ExpertLoads& out) {
  out = batches_[cursor_];
  cursor_ = (cursor_ + 1) % batches_.size();
}

}  // namespace xpusim::workload
