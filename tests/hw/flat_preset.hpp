#pragma once
// Test-only reader for the flat `key: value` preset files in configs/ (comments with '#'),
// so tests check the shipped presets without the scenario layer's YAML parser. It knows
// integers, reals and bare or quoted strings: enough for flat presets, nothing more.
#include "xpusim/build_paths.hpp"
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

#include "xpusim/core/params.hpp"

namespace xpusim::testing {

inline std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

inline ParamValue parse_scalar(const std::string& text) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\''))
    return text.substr(1, text.size() - 2);
  char* end = nullptr;
  const long long i = std::strtoll(text.c_str(), &end, 10);
  if (end && *end == '\0' && !text.empty()) return static_cast<std::int64_t>(i);
  const double d = std::strtod(text.c_str(), &end);
  if (end && *end == '\0' && !text.empty()) return d;
  return text;
}

inline std::map<std::string, ParamValue> read_flat_preset(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::map<std::string, ParamValue> out;
  std::string line;
  while (std::getline(in, line)) {
    const auto hash = line.find('#');
    if (hash != std::string::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) throw std::runtime_error(path + ": not key: value: " + line);
    out[trim(line.substr(0, colon))] = parse_scalar(trim(line.substr(colon + 1)));
  }
  return out;
}

// The preset's name is its file name, as the scenario layer sets it.
inline std::map<std::string, ParamValue> read_named_preset(const std::string& dir,
                                                           const std::string& name) {
  auto values = read_flat_preset(std::string(XPUSIM_SOURCE_DIR) + "/" + dir + "/" + name + ".yaml");
  values.emplace("name", name);
  return values;
}

}  // namespace xpusim::testing
