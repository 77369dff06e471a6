// libFuzzer target: any bytes as a scenario file. Loading must end in a scenario or in
// ScenarioError / xpusim::Error (a clear message); anything else — a crash, a sanitizer report,
// another exception — is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "xpusim/build_paths.hpp"
#include "xpusim/core/error.hpp"
#include "xpusim/scenario/catalogs.hpp"
#include "xpusim/scenario/system_kinds.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace xpusim::scenario;
  static const Catalogs catalogs = build_catalogs();
  // Named as if in configs/, so `preset: NAME` finds the shipped presets.
  static const std::filesystem::path as_path = std::filesystem::path(XPUSIM_SOURCE_DIR) / "configs" / "fuzz.yaml";
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const YamlDocument doc = YamlDocument::parse(text, as_path);
    Diagnostics diag;
    const auto loaded = load_any_scenario(doc, diag, catalogs);
    (void)loaded->name();
  } catch (const ScenarioError&) {
  } catch (const xpusim::InvariantError&) {
    throw;  // a broken invariant is a bug: let libFuzzer report it
  } catch (const xpusim::Error&) {
  }
  return 0;
}
