#include "xpusim/scenario/run_outputs.hpp"

#include <memory>

#include "xpusim/core/error.hpp"
#include "xpusim/report/atomic_file.hpp"

namespace xpusim::scenario {

namespace fs = std::filesystem;

nlohmann::json resolved_sections_json(const std::vector<std::pair<std::string, Params>>& sections) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [section, params] : sections) {
    nlohmann::json obj = nlohmann::json::object();
    for (const auto& [k, v] : params.values())
      obj[k] = std::visit([](const auto& x) { return nlohmann::json(x); }, v);
    out[section] = obj;
  }
  return out;
}

void add_run_fields(nlohmann::json& summary, double simulated_s, std::uint64_t events, std::uint64_t seed,
                    const std::vector<std::pair<std::string, Params>>& resolved) {
  summary["simulated_s"] = simulated_s;
  summary["events"] = events;
  summary["seed"] = seed;
  summary["scenario"] = resolved_sections_json(resolved);
}

void create_output_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create output directory " + dir.string() + ": " + ec.message());
}

void write_outputs(const fs::path& dir, const std::vector<std::pair<std::string, std::string>>& files,
                   const std::vector<report::AtomicFile*>& streamed) {
  create_output_dir(dir);
  std::vector<std::unique_ptr<report::AtomicFile>> owned;
  std::vector<report::AtomicFile*> all = streamed;
  for (const auto& [name, text] : files) {
    owned.push_back(std::make_unique<report::AtomicFile>(dir / name));
    owned.back()->stream() << text;
    all.push_back(owned.back().get());
  }
  report::commit_together(all);
}

}  // namespace xpusim::scenario
