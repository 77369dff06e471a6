#pragma once
// Collects every problem found in a scenario (file, line, key, what was expected) so that
// `xpusim validate` reports them all at once rather than stopping at the first.
#include <stdexcept>
#include <string>
#include <vector>

namespace xpusim::scenario {

// Where a value came from: "configs/q.yaml:12:5" or "--set workload.rate_per_s=12".
struct Location {
  std::string where;
};

class Diagnostics {
 public:
  // Records "WHERE: key 'KEY': MESSAGE".
  void error(const Location& at, const std::string& key, const std::string& message);
  bool ok() const { return errors_.empty(); }
  const std::vector<std::string>& errors() const { return errors_; }
  // Throws ScenarioError carrying every message when any was recorded.
  void throw_if_any() const;

 private:
  std::vector<std::string> errors_;
};

// Thrown when a scenario is invalid; what() is every message, one per line.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<std::string> messages);
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::vector<std::string> messages_;
};

}  // namespace xpusim::scenario
