#include "xpusim/core/params.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "xpusim/core/error.hpp"

namespace xpusim {

std::string to_string(ParamType type) {
  switch (type) {
    case ParamType::Int: return "integer";
    case ParamType::Real: return "number";
    case ParamType::Bool: return "boolean";
    case ParamType::String: return "string";
    case ParamType::Choice: return "choice";
  }
  return "?";
}

static std::string format_shortest(double v) {
  // The shortest text that reads back as the same double (0.71, not 0.70999999999999996);
  // exponents as printf writes them (1e-06, 9e+09) so that messages keep their look.
  char buf[400];
  // Whole numbers as integers (1000000, not 1e+06), as far as every digit is exact.
  const bool whole = std::isfinite(v) && v == std::trunc(v) && std::abs(v) < 1e16;
  const auto r = whole ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                       : std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  const auto e = s.find('e');
  if (e != std::string::npos) {
    std::string mant = s.substr(0, e), exp = s.substr(e + 1);
    const char sign = exp[0] == '-' ? '-' : '+';
    if (exp[0] == '-' || exp[0] == '+') exp = exp.substr(1);
    if (exp.size() < 2) exp = "0" + exp;
    s = mant + "e" + sign + exp;
  }
  return s;
}

std::string format_value(const ParamValue& value) {
  std::ostringstream os;
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, bool>) {
          os << (v ? "true" : "false");
        } else if constexpr (std::is_same_v<V, double>) {
          os << format_shortest(v);
        } else {
          os << v;
        }
      },
      value);
  return os.str();
}

// Bounds as printf's %g writes them (100000, 1e+09) where that is exact, else the shortest
// round-trip text.
static std::string format_bound(double v) {
  std::ostringstream os;
  os << v;
  return std::strtod(os.str().c_str(), nullptr) == v ? os.str() : format_shortest(v);
}

std::string ParamDecl::expected() const {
  std::string out;
  switch (type) {
    case ParamType::Int:
    case ParamType::Real: {
      out = type == ParamType::Int ? "an integer" : "a number";
      const bool has_min = min > -1e299, has_max = max < 1e299;
      if (has_min && has_max)
        out += std::string(" in ") + (min_exclusive ? "(" : "[") + format_bound(min) + ", " +
               format_bound(max) + "]";
      else if (has_min)
        out += (min_exclusive ? " > " : " >= ") + format_bound(min);
      else if (has_max)
        out += " <= " + format_bound(max);
      if (!unit.empty()) out += " (" + unit + ")";
      return out;
    }
    case ParamType::Bool: return "true or false";
    case ParamType::String: return "a string";
    case ParamType::Choice: {
      out = "one of:";
      for (const auto& c : choices) out += " " + c;
      return out;
    }
  }
  return out;
}

static ParamDecl plain(std::string name, ParamType type, std::string help) {
  ParamDecl d;
  d.name = std::move(name);
  d.type = type;
  d.help = std::move(help);
  return d;
}

static ParamDecl numeric(std::string name, ParamType type, std::string unit, std::string help,
                         Bounds bounds) {
  ParamDecl d = plain(std::move(name), type, std::move(help));
  d.unit = std::move(unit);
  d.min = bounds.min;
  d.max = bounds.max;
  d.min_exclusive = bounds.min_exclusive;
  return d;
}

ParamSchema& ParamSchema::add(ParamDecl decl) {
  XPUSIM_CHECK(find(decl.name) == nullptr, "duplicate parameter " + decl.name);
  decls_.push_back(std::move(decl));
  return *this;
}

ParamSchema& ParamSchema::extend(const ParamSchema& other) {
  for (const auto& d : other.decls()) add(d);
  return *this;
}

ParamSchema& ParamSchema::integer(std::string name, std::optional<std::int64_t> def,
                                  std::string unit, std::string help, Bounds bounds) {
  ParamDecl d = numeric(std::move(name), ParamType::Int, std::move(unit), std::move(help), bounds);
  if (def) d.default_value = *def;
  return add(std::move(d));
}

ParamSchema& ParamSchema::real(std::string name, std::optional<double> def, std::string unit,
                               std::string help, Bounds bounds) {
  ParamDecl d = numeric(std::move(name), ParamType::Real, std::move(unit), std::move(help), bounds);
  if (def) d.default_value = *def;
  return add(std::move(d));
}

ParamSchema& ParamSchema::boolean(std::string name, std::optional<bool> def, std::string help) {
  ParamDecl d = plain(std::move(name), ParamType::Bool, std::move(help));
  if (def) d.default_value = *def;
  return add(std::move(d));
}

ParamSchema& ParamSchema::string(std::string name, std::optional<std::string> def,
                                 std::string help) {
  ParamDecl d = plain(std::move(name), ParamType::String, std::move(help));
  if (def) d.default_value = *def;
  return add(std::move(d));
}

ParamSchema& ParamSchema::choice(std::string name, std::optional<std::string> def,
                                 std::vector<std::string> choices, std::string help) {
  ParamDecl d = plain(std::move(name), ParamType::Choice, std::move(help));
  d.choices = std::move(choices);
  if (def) d.default_value = *def;
  return add(std::move(d));
}

const ParamDecl* ParamSchema::find(const std::string& name) const {
  for (const auto& d : decls_)
    if (d.name == name) return &d;
  return nullptr;
}

std::string check_value(const ParamDecl& decl, const ParamValue& value) {
  auto bad = [&] { return "expected " + decl.expected() + ", got " + format_value(value); };
  switch (decl.type) {
    case ParamType::Int: {
      if (!std::holds_alternative<std::int64_t>(value)) return bad();
      const double v = static_cast<double>(std::get<std::int64_t>(value));
      if (v < decl.min || v > decl.max || (decl.min_exclusive && v == decl.min)) return bad();
      return "";
    }
    case ParamType::Real: {
      double v;
      if (std::holds_alternative<double>(value))
        v = std::get<double>(value);
      else if (std::holds_alternative<std::int64_t>(value))
        v = static_cast<double>(std::get<std::int64_t>(value));
      else
        return bad();
      if (!std::isfinite(v) || v < decl.min || v > decl.max ||
          (decl.min_exclusive && v == decl.min))
        return bad();
      return "";
    }
    case ParamType::Bool: return std::holds_alternative<bool>(value) ? "" : bad();
    case ParamType::String: return std::holds_alternative<std::string>(value) ? "" : bad();
    case ParamType::Choice: {
      if (!std::holds_alternative<std::string>(value)) return bad();
      for (const auto& c : decl.choices)
        if (c == std::get<std::string>(value)) return "";
      return bad();
    }
  }
  return bad();
}

Params resolve_params(const ParamSchema& schema, const std::map<std::string, ParamValue>& given) {
  std::map<std::string, ParamValue> out;
  for (const auto& [key, value] : given) {
    const ParamDecl* decl = schema.find(key);
    if (!decl) {
      std::string known;
      for (const auto& d : schema.decls()) known += (known.empty() ? "" : ", ") + d.name;
      throw ParamError(key, "unknown key '" + key + "' (expected one of: " + known + ")");
    }
    const std::string problem = check_value(*decl, value);
    if (!problem.empty()) throw ParamError(key, "key '" + key + "': " + problem);
    // Reals given as integers are stored as reals so every reader sees one type.
    if (decl->type == ParamType::Real && std::holds_alternative<std::int64_t>(value))
      out[key] = static_cast<double>(std::get<std::int64_t>(value));
    else
      out[key] = value;
  }
  for (const auto& decl : schema.decls()) {
    if (out.count(decl.name)) continue;
    if (!decl.default_value)
      throw ParamError(decl.name,
                       "missing required key '" + decl.name + "' (" + decl.expected() + ")");
    out[decl.name] = *decl.default_value;
  }
  return Params(std::move(out));
}

const ParamValue& Params::at(const std::string& name) const {
  auto it = values_.find(name);
  XPUSIM_CHECK(it != values_.end(), "undeclared parameter read: " + name);
  return it->second;
}

std::int64_t Params::integer(const std::string& name) const {
  const auto& v = at(name);
  XPUSIM_CHECK(std::holds_alternative<std::int64_t>(v), "parameter is not an integer: " + name);
  return std::get<std::int64_t>(v);
}

double Params::real(const std::string& name) const {
  const auto& v = at(name);
  if (std::holds_alternative<std::int64_t>(v))
    return static_cast<double>(std::get<std::int64_t>(v));
  XPUSIM_CHECK(std::holds_alternative<double>(v), "parameter is not a number: " + name);
  return std::get<double>(v);
}

bool Params::boolean(const std::string& name) const {
  const auto& v = at(name);
  XPUSIM_CHECK(std::holds_alternative<bool>(v), "parameter is not a boolean: " + name);
  return std::get<bool>(v);
}

const std::string& Params::string(const std::string& name) const {
  const auto& v = at(name);
  XPUSIM_CHECK(std::holds_alternative<std::string>(v), "parameter is not a string: " + name);
  return std::get<std::string>(v);
}

}  // namespace xpusim
