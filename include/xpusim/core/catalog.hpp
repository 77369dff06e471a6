#pragma once
// A catalog of named, pluggable components of one kind (policies, device kinds, sources).
// The YAML names an entry; the catalog lists the valid names when it meets an unknown one.
// There is no global instance: the scenario layer builds the catalogs explicitly, so the
// linker can never drop a registration.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "xpusim/core/error.hpp"
#include "xpusim/core/param_binding.hpp"
#include "xpusim/core/params.hpp"

namespace xpusim {

template <typename T, typename... Args>
class Catalog {
 public:
  using Factory = std::function<std::unique_ptr<T>(const Params&, Args...)>;
  struct Entry {
    std::string name;
    std::string help;
    ParamSchema schema;
    Factory make;
    // For entries added with a binding: the Config's fields after binding `params`, in
    // declaration order (the schema-walk test checks each key reaches its field).
    std::function<std::vector<ParamValue>(const Params&)> read_back;
  };

  explicit Catalog(std::string family) : family_(std::move(family)) {}

  void add(std::string name, std::string help, ParamSchema schema, Factory make) {
    XPUSIM_CHECK(entries_.count(name) == 0, "duplicate catalog entry " + name);
    std::string key = name;
    entries_.emplace(std::move(key), Entry{std::move(name), std::move(help), std::move(schema),
                                           std::move(make)});
  }
  // An entry whose parameters are bound to `Config`: `make` receives the bound Config.
  template <typename Config, typename Make>
  void add(std::string name, std::string help, const ParamBinding<Config>& binding, Make make) {
    const std::string key = name;
    add(std::move(name), std::move(help), binding.schema(),
        [binding, make](const Params& p, Args... args) {
          return make(binding.bind(p), std::forward<Args>(args)...);
        });
    entries_.at(key).read_back = [binding](const Params& p) {
      return binding.read_all(binding.bind(p));
    };
  }
  const Entry* find(const std::string& name) const {
    auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [name, entry] : entries_) out.push_back(name);
    return out;
  }
  // "one of: a, b, c" — for error messages.
  std::string expected() const {
    std::string out = "one of:";
    for (const auto& [name, entry] : entries_) out += " " + name;
    return out;
  }
  const std::map<std::string, Entry>& entries() const { return entries_; }
  const std::string& family() const { return family_; }

 private:
  std::string family_;
  std::map<std::string, Entry> entries_;
};

}  // namespace xpusim
