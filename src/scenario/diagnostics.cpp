#include "xpusim/scenario/diagnostics.hpp"

#include "xpusim/core/excerpt.hpp"

namespace xpusim::scenario {

namespace {
std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}
}  // namespace

void Diagnostics::error(const Location& at, const std::string& key, const std::string& message) {
  std::string line = at.where + ": ";
  if (!key.empty()) line += "key '" + key + "': ";
  line += message;
  line = safe_message(line);  // values echoed from the input: bounded and escaped
  // The same problem can be reached twice (e.g. a preset used by two sections); say it once.
  for (const auto& e : errors_)
    if (e == line) return;
  errors_.push_back(std::move(line));
}

void Diagnostics::throw_if_any() const {
  if (!errors_.empty()) throw ScenarioError(errors_);
}

ScenarioError::ScenarioError(std::vector<std::string> messages)
    : std::runtime_error(join_lines(messages)), messages_(std::move(messages)) {}

}  // namespace xpusim::scenario
