#pragma once
// "Did you mean": the known name closest to a misspelt one, for error messages. A candidate
// that equals the given name ignoring case wins; otherwise the one at the smallest edit
// distance (insertions, deletions, substitutions, case-insensitive), if that distance is at
// most a third of the given name's length (at least 1). Ties go to the earlier candidate.
#include <string>
#include <vector>

namespace xpusim {

// Levenshtein distance between a and b, comparing letters case-insensitively.
std::size_t edit_distance(const std::string& a, const std::string& b);

// The closest candidate as above, or "" when none is close enough.
std::string closest_name(const std::string& given, const std::vector<std::string>& candidates);

// "; did you mean 'NAME'?" for the closest candidate, or "" when none is close.
std::string did_you_mean(const std::string& given, const std::vector<std::string>& candidates);

}  // namespace xpusim
