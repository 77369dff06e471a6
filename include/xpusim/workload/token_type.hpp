#pragma once
// What kind of text a prompt segment is. Reuse differs by orders of magnitude between kinds
// (SAECache), so sources that know the segment kinds carry them per prefix block.
#include <cstdint>
#include <string_view>

namespace xpusim::workload {

enum class TokenType : std::uint8_t { Unknown, System, User, Tool, Response, Reasoning };
inline constexpr std::size_t kTokenTypes = 6;

constexpr std::string_view token_type_name(TokenType t) {
  switch (t) {
    case TokenType::System: return "system";
    case TokenType::User: return "user";
    case TokenType::Tool: return "tool";
    case TokenType::Response: return "response";
    case TokenType::Reasoning: return "reasoning";
    case TokenType::Unknown: break;
  }
  return "unknown";
}

}  // namespace xpusim::workload
