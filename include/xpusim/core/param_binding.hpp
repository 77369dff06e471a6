#pragma once
// A parameter declared once: each entry binds a YAML key to the field of a Config struct that
// receives its value, with the key's help, unit and range. The documented default is the
// field's value in a default-constructed Config, so the struct's default initialiser is the one
// place a default is written, and `bind` fills a Config from validated Params without any
// hand-written `config_from`. In the spirit of Ramulator 2's `param<T>("seed").default_val()`
// and SimGrid's `Flag<T>{name, help, default}` (own code).
//
//   static const ParamBinding<Config>& binding() {
//     static const auto b = ParamBinding<Config>()
//         .integer(XPUSIM_KEY(Config, max_num_seqs), "", "most sequences running", {.min = 1})
//         .choice("preemption_mode", &Config::preemption_mode, {{"recompute", ...}}, "...");
//     return b;
//   }
//
// XPUSIM_KEY(Config, field) spells the key from the field's own name, so the two cannot drift;
// a key that names a different unit than its field (`swap_space_gb` into `swap_space_bytes`)
// is written out and carries its conversion (`scale`).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "xpusim/core/error.hpp"
#include "xpusim/core/params.hpp"

// The key is the field's name: "field", &Config::field.
#define XPUSIM_KEY(Config, field) #field, &Config::field

namespace xpusim {

template <typename Config>
class ParamBinding {
 public:
  // The type of the field an accessor reaches.
  template <typename Field>
  using FieldType = std::remove_cvref_t<std::invoke_result_t<Field, Config&>>;
  using Write = std::function<void(Config&, const ParamValue&)>;
  using Read = std::function<ParamValue(const Config&)>;

  // `field` is a member pointer or a callable returning a reference to the field
  // (`[](auto& c) -> auto& { return c.options.filter; }`), for fields of nested structs.
  template <typename Field>
  ParamBinding& integer(std::string key, Field field, std::string unit, std::string help,
                        Bounds bounds = {}) {
    using T = FieldType<Field>;
    static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>, "integer needs an int field");
    ParamDecl d = numeric(std::move(key), ParamType::Int, std::move(unit), std::move(help), bounds);
    return push(std::move(d),
                [field](Config& c, const ParamValue& v) {
                  std::invoke(field, c) = static_cast<T>(std::get<std::int64_t>(v));
                },
                [field](const Config& c) {
                  return ParamValue(static_cast<std::int64_t>(std::invoke(field, c)));
                });
  }

  template <typename Field>
  ParamBinding& real(std::string key, Field field, std::string unit, std::string help,
                     Bounds bounds = {}) {
    using T = FieldType<Field>;
    static_assert(std::is_floating_point_v<T>, "real needs a floating-point field");
    ParamDecl d = numeric(std::move(key), ParamType::Real, std::move(unit), std::move(help), bounds);
    return push(std::move(d),
                [field](Config& c, const ParamValue& v) {
                  std::invoke(field, c) = static_cast<T>(as_real(v));
                },
                [field](const Config& c) { return ParamValue(double(std::invoke(field, c))); });
  }

  template <typename Field>
  ParamBinding& boolean(std::string key, Field field, std::string help) {
    static_assert(std::is_same_v<FieldType<Field>, bool>, "boolean needs a bool field");
    return push(plain(std::move(key), ParamType::Bool, std::move(help)),
                [field](Config& c, const ParamValue& v) {
                  std::invoke(field, c) = std::get<bool>(v);
                },
                [field](const Config& c) { return ParamValue(bool(std::invoke(field, c))); });
  }

  // A std::string or std::filesystem::path field.
  template <typename Field>
  ParamBinding& string(std::string key, Field field, std::string help) {
    using T = FieldType<Field>;
    static_assert(std::is_same_v<T, std::string> || std::is_same_v<T, std::filesystem::path>,
                  "string needs a string or path field");
    return push(plain(std::move(key), ParamType::String, std::move(help)),
                [field](Config& c, const ParamValue& v) {
                  std::invoke(field, c) = T(std::get<std::string>(v));
                },
                [field](const Config& c) {
                  if constexpr (std::is_same_v<T, std::string>)
                    return ParamValue(std::invoke(field, c));
                  else
                    return ParamValue(std::invoke(field, c).string());
                });
  }

  // A string parsed into a field of another type: `write` parses (throwing ParamError naming the
  // key), `read` formats the field back (the documented default is read from Config{}).
  ParamBinding& parsed_string(std::string key, Write write, Read read, std::string help) {
    return push(plain(std::move(key), ParamType::String, std::move(help)), std::move(write),
                std::move(read));
  }

  // A closed set of names, each meaning one value of the field (an enum, a bool, a string).
  template <typename Field>
  ParamBinding& choice(std::string key, Field field,
                       std::vector<std::pair<std::string, FieldType<Field>>> options,
                       std::string help) {
    ParamDecl d = plain(std::move(key), ParamType::Choice, std::move(help));
    for (const auto& o : options) d.choices.push_back(o.first);
    const std::string name = d.name;
    return push(std::move(d),
                [field, options](Config& c, const ParamValue& v) {
                  for (const auto& o : options)
                    if (o.first == std::get<std::string>(v)) std::invoke(field, c) = o.second;
                },
                [field, options, name](const Config& c) {
                  for (const auto& o : options)
                    if (o.second == std::invoke(field, c)) return ParamValue(o.first);
                  XPUSIM_CHECK(false, "field of '" + name + "' holds a value no choice names");
                  return ParamValue(std::string());
                });
  }

  // The last entry has no default: the user must give it. Its field's initialiser is only what
  // a Config built in code starts with.
  ParamBinding& required() {
    XPUSIM_CHECK(!entries_.empty(), "required() before any entry");
    entries_.back().required = true;
    return *this;
  }

  // The last (real) entry is in other units than its field: field = value x factor. The
  // documented default is the shortest decimal whose product with factor is the field's
  // initialiser (500 for a field of 500 * 1e-9, not 500.00000000000006), so binding the
  // documented default gives back exactly the struct's default.
  ParamBinding& scale(double factor) {
    XPUSIM_CHECK(!entries_.empty() && entries_.back().decl.type == ParamType::Real,
                 "scale() applies to a real entry");
    Entry& e = entries_.back();
    e.write = [w = e.write, factor](Config& c, const ParamValue& v) {
      w(c, ParamValue(as_real(v) * factor));
    };
    e.read = [r = e.read, factor](const Config& c) {
      const double field = std::get<double>(r(c));
      return ParamValue(shortest(field / factor, [&](double v) { return v * factor == field; }));
    };
    return *this;
  }

  // A real key written into its field through functions, for a field of another type or unit
  // (microseconds into integer ns): `write(c, value)` stores the key's value, `read(c)` gives it
  // back. The documented default is the shortest decimal near read(Config{}) that `write` turns
  // into the same field, so binding it reproduces the struct's default.
  ParamBinding& real_via(std::string key, std::function<void(Config&, double)> write,
                         std::function<double(const Config&)> read, std::string unit,
                         std::string help, Bounds bounds = {}) {
    ParamDecl d = numeric(std::move(key), ParamType::Real, std::move(unit), std::move(help), bounds);
    return push(std::move(d),
                [write](Config& c, const ParamValue& v) { write(c, as_real(v)); },
                [write, read](const Config& c) {
                  const double held = read(c);
                  return ParamValue(shortest(held, [&](double v) {
                    Config again = c;
                    write(again, v);
                    return read(again) == held;
                  }));
                });
  }

  // The last entry's value, as given in the key's units, is checked by `check(key, value)`
  // before it is written (a limit whose message says more than the bounds can, or one on a
  // value that the field's type would not hold); `check` throws ParamError naming the key.
  ParamBinding& check(std::function<void(const std::string&, const ParamValue&)> check) {
    XPUSIM_CHECK(!entries_.empty(), "check() before any entry");
    Entry& e = entries_.back();
    e.write = [w = e.write, check, key = e.decl.name](Config& c, const ParamValue& v) {
      check(key, v);
      w(c, v);
    };
    return *this;
  }

  // The last entry converts through these functions instead (e.g. seconds into integer ns).
  ParamBinding& convert(Write write, Read read) {
    XPUSIM_CHECK(!entries_.empty(), "convert() before any entry");
    entries_.back().write = std::move(write);
    entries_.back().read = std::move(read);
    return *this;
  }

  // Fills fields derived from bound ones (a parsed list from its string), after every value is
  // bound and before the rules run; throws ParamError naming a key when a value cannot be used.
  ParamBinding& derive(std::function<void(Config&)> step) {
    derives_.push_back(std::move(step));
    return *this;
  }

  // A rule spanning fields, run after every value is bound; throws ParamError naming a key.
  ParamBinding& rule(std::function<void(const Config&)> check) {
    rules_.push_back(std::move(check));
    return *this;
  }

  // Every entry of `sub`, binding into the sub-struct that `field` reaches.
  template <typename Sub, typename Field>
  ParamBinding& group(const ParamBinding<Sub>& sub, Field field) {
    for (std::size_t i = 0; i < sub.size(); ++i) {
      Entry e{sub.decl(i), sub.is_required(i), {}, {}};
      e.write = [sub, i, field](Config& c, const ParamValue& v) {
        sub.write(i, std::invoke(field, c), v);
      };
      e.read = [sub, i, field](const Config& c) { return sub.read(i, std::invoke(field, c)); };
      entries_.push_back(std::move(e));
    }
    for (const auto& d : sub.derives())
      derives_.push_back([d, field](Config& c) { d(std::invoke(field, c)); });
    for (const auto& r : sub.rules())
      rules_.push_back([r, field](const Config& c) { r(std::invoke(field, c)); });
    return *this;
  }

  // The declarations, defaults read from a default-constructed Config.
  ParamSchema schema() const {
    const Config defaults{};
    ParamSchema s;
    for (const auto& e : entries_) {
      ParamDecl d = e.decl;
      if (!e.required) d.default_value = e.read(defaults);
      s.add(std::move(d));
    }
    return s;
  }

  // A Config from validated Params (every declared key present, as resolve_params leaves them).
  Config bind(const Params& params) const {
    Config c{};
    bind_into(params, c);
    return c;
  }
  // Writes the bound fields of an existing Config (one section of a larger struct).
  void bind_into(const Params& params, Config& c) const {
    for (const auto& e : entries_) e.write(c, params_value(params, e.decl.name));
    for (const auto& d : derives_) d(c);
    for (const auto& r : rules_) r(c);
  }

  // Resolves `given` against the schema (defaults filled, bounds checked), then binds.
  Config from(const std::map<std::string, ParamValue>& given) const {
    return bind(resolve_params(schema(), given));
  }

  // Introspection, for `list` and the tests that check every key reaches its field.
  std::size_t size() const { return entries_.size(); }
  const ParamDecl& decl(std::size_t i) const { return entries_.at(i).decl; }
  bool is_required(std::size_t i) const { return entries_.at(i).required; }
  ParamValue read(std::size_t i, const Config& c) const { return entries_.at(i).read(c); }
  void write(std::size_t i, Config& c, const ParamValue& v) const { entries_.at(i).write(c, v); }
  std::vector<ParamValue> read_all(const Config& c) const {
    std::vector<ParamValue> out;
    for (const auto& e : entries_) out.push_back(e.read(c));
    return out;
  }
  const std::vector<std::function<void(const Config&)>>& rules() const { return rules_; }
  const std::vector<std::function<void(Config&)>>& derives() const { return derives_; }

 private:
  struct Entry {
    ParamDecl decl;
    bool required = false;
    Write write;
    Read read;
  };

  static double as_real(const ParamValue& v) {
    return std::holds_alternative<std::int64_t>(v) ? double(std::get<std::int64_t>(v))
                                                   : std::get<double>(v);
  }
  // The decimal with the fewest significant digits near `guess` that `same` accepts (`guess`
  // itself when none shorter does).
  static double shortest(double guess, const std::function<bool(double)>& same) {
    for (int digits = 1; digits <= 17; ++digits) {
      char text[40];
      std::snprintf(text, sizeof text, "%.*g", digits, guess);
      const double v = std::strtod(text, nullptr);
      if (same(v)) return v;
    }
    return guess;
  }
  static ParamValue params_value(const Params& p, const std::string& name) {
    auto it = p.values().find(name);
    XPUSIM_CHECK(it != p.values().end(), "bound parameter missing from Params: " + name);
    return it->second;
  }
  static ParamDecl plain(std::string key, ParamType type, std::string help) {
    ParamDecl d;
    d.name = std::move(key);
    d.type = type;
    d.help = std::move(help);
    return d;
  }
  static ParamDecl numeric(std::string key, ParamType type, std::string unit, std::string help,
                           Bounds b) {
    ParamDecl d = plain(std::move(key), type, std::move(help));
    d.unit = std::move(unit);
    d.min = b.min;
    d.max = b.max;
    d.min_exclusive = b.min_exclusive;
    return d;
  }
  ParamBinding& push(ParamDecl d, Write write, Read read) {
    for (const auto& e : entries_)
      XPUSIM_CHECK(e.decl.name != d.name, "duplicate parameter " + d.name);
    entries_.push_back(Entry{std::move(d), false, std::move(write), std::move(read)});
    return *this;
  }

  std::vector<Entry> entries_;
  std::vector<std::function<void(Config&)>> derives_;
  std::vector<std::function<void(const Config&)>> rules_;
};

}  // namespace xpusim
