#include "xpusim/workload/routing_trace.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include "xpusim/core/error.hpp"

namespace xpusim::workload {

namespace {

std::vector<std::int64_t> parse_row(const std::string& line, const std::string& where) {
  std::vector<std::int64_t> fields;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) {
    std::size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(cell, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    while (used < cell.size() && (cell[used] == ' ' || cell[used] == '\r')) ++used;
    if (used != cell.size() || cell.empty() || v < 0)
      throw Error(where + ": expected a non-negative integer, got '" + cell + "'");
    fields.push_back(v);
  }
  return fields;
}

}  // namespace

RoutingTrace::RoutingTrace(const std::filesystem::path& path, int layers, int experts)
    : layers_(layers), experts_(experts) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open routing trace " + path.string());
  std::string line;
  int line_no = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++line_no;
    const std::string where = path.string() + ":" + std::to_string(line_no);
    if (line.empty() || line[0] == '#' || line == "\r") continue;
    if (!header) {
      if (line.rfind("micro_batch,layer,", 0) != 0)
        throw Error(where + ": expected the header 'micro_batch,layer,e0,e1,...'");
      header = true;
      continue;
    }
    const auto f = parse_row(line, where);
    if (f.size() != static_cast<std::size_t>(experts + 2))
      throw Error(where + ": expected " + std::to_string(experts + 2) +
                  " columns (micro_batch, layer and " + std::to_string(experts) +
                  " expert counts), got " + std::to_string(f.size()));
    const auto mb = static_cast<std::size_t>(f[0]);
    const auto layer = static_cast<std::size_t>(f[1]);
    const bool starts_next =
        batches_.empty() || batches_.back().size() == static_cast<std::size_t>(layers);
    if (starts_next) {
      if (mb != batches_.size() || layer != 0)
        throw Error(where + ": expected micro_batch " + std::to_string(batches_.size()) +
                    " layer 0 (rows go in order, every layer of a micro-batch)");
      batches_.emplace_back();
    } else if (mb + 1 != batches_.size() || layer != batches_.back().size()) {
      throw Error(where + ": expected micro_batch " + std::to_string(batches_.size() - 1) +
                  " layer " + std::to_string(batches_.back().size()));
    }
    batches_.back().emplace_back(f.begin() + 2, f.end());
  }
  if (!header) throw Error(path.string() + ": empty routing trace (no header)");
  if (batches_.empty()) throw Error(path.string() + ": routing trace has no rows");
  if (batches_.back().size() != static_cast<std::size_t>(layers))
    throw Error(path.string() + ": the last micro-batch has " +
                std::to_string(batches_.back().size()) + " layers, expected " +
                std::to_string(layers));
}

void RoutingTrace::next(ExpertLoads& out) {
  out = batches_[cursor_];
  cursor_ = (cursor_ + 1) % batches_.size();
}

}  // namespace xpusim::workload
