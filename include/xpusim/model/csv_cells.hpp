#pragma once
// Splitting one line of a profile CSV (Vidur's layout) into cells: commas separate, quotes and
// surrounding spaces are dropped. Shared by the GEMM and attention table readers.
#include <string>
#include <string_view>
#include <vector>

namespace xpusim::model {

inline std::string trim_csv_cell(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\"");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\"");
  return std::string(s.substr(b, e - b + 1));
}

inline std::vector<std::string> split_csv_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    cells.push_back(trim_csv_cell(std::string_view(line).substr(start, comma - start)));
    if (comma == std::string::npos) return cells;
    start = comma + 1;
  }
}

}  // namespace xpusim::model
