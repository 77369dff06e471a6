#pragma once
// Declared parameters: every knob of every component is declared once (name, type, default,
// unit, bounds, help). The scenario loader validates YAML against these declarations and
// `xpusim list` prints them, so the two can never disagree.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace xpusim {

enum class ParamType { Int, Real, Bool, String, Choice };

using ParamValue = std::variant<std::int64_t, double, bool, std::string>;

std::string to_string(ParamType type);
std::string format_value(const ParamValue& value);

struct ParamDecl {
  std::string name;
  ParamType type = ParamType::Real;
  std::optional<ParamValue> default_value;  // none: the parameter is required
  std::string unit;                         // "" when dimensionless
  std::string help;
  double min = -1e300;  // inclusive bounds for Int and Real
  double max = 1e300;
  std::vector<std::string> choices;  // for Choice
  bool min_exclusive = false;

  // A one-line description of what values are accepted, for error messages.
  std::string expected() const;
};

// The ordered set of parameters one component accepts. Built fluently:
//   ParamSchema().real("rate_per_s", std::nullopt, "1/s", "mean arrival rate", {.min = 0, ...})
// Inclusive bounds for numeric parameters (min may be made exclusive).
struct Bounds {
  double min = -1e300;
  double max = 1e300;
  bool min_exclusive = false;
};

class ParamSchema {
 public:
  ParamSchema& integer(std::string name, std::optional<std::int64_t> def, std::string unit,
                       std::string help, Bounds bounds = {});
  ParamSchema& real(std::string name, std::optional<double> def, std::string unit,
                    std::string help, Bounds bounds = {});
  ParamSchema& boolean(std::string name, std::optional<bool> def, std::string help);
  ParamSchema& string(std::string name, std::optional<std::string> def, std::string help);
  ParamSchema& choice(std::string name, std::optional<std::string> def,
                      std::vector<std::string> choices, std::string help);
  ParamSchema& add(ParamDecl decl);
  // Appends every declaration of `other` (for shared groups such as execution-model knobs).
  ParamSchema& extend(const ParamSchema& other);

  const ParamDecl* find(const std::string& name) const;
  const std::vector<ParamDecl>& decls() const { return decls_; }

 private:
  std::vector<ParamDecl> decls_;
};

// Checks one value against its declaration; returns an empty string when valid, else what is
// wrong (without the key or location, which the caller adds).
std::string check_value(const ParamDecl& decl, const ParamValue& value);

// Validated values with every default filled in. Lookups of undeclared names are bugs.
class Params {
 public:
  Params() = default;
  explicit Params(std::map<std::string, ParamValue> values) : values_(std::move(values)) {}

  std::int64_t integer(const std::string& name) const;
  double real(const std::string& name) const;  // accepts Int values too
  bool boolean(const std::string& name) const;
  const std::string& string(const std::string& name) const;  // String and Choice
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const std::map<std::string, ParamValue>& values() const { return values_; }
  void set(const std::string& name, ParamValue value) { values_[name] = std::move(value); }

 private:
  const ParamValue& at(const std::string& name) const;
  std::map<std::string, ParamValue> values_;
};

// Fills defaults and checks types and bounds of `given` against `schema`. Throws
// ParamError naming the offending key. Unknown keys are rejected.
Params resolve_params(const ParamSchema& schema, const std::map<std::string, ParamValue>& given);

// A parameter problem found while resolving or when a component checks cross-parameter rules;
// `key` lets the scenario loader point at the YAML line.
class ParamError : public std::runtime_error {
 public:
  ParamError(std::string key, const std::string& what)
      : std::runtime_error(what), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

}  // namespace xpusim
