#include "xpusim/core/excerpt.hpp"

#include <gtest/gtest.h>

#include <string>

namespace xpusim {
namespace {

TEST(Excerpt, KeepsPrintableTextAndValidUtf8) {
  EXPECT_EQ(excerpt("arrival 12.5"), "arrival 12.5");
  EXPECT_EQ(excerpt("caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac");
  EXPECT_EQ(quoted_excerpt("x"), "'x'");
}

TEST(Excerpt, EscapesControlBytesNulAndMalformedUtf8) {
  EXPECT_EQ(excerpt(std::string("a\0b", 3)), "a\\0b");
  EXPECT_EQ(excerpt("\x1b[31m\r\n\t\x7f"), "\\x1b[31m\\r\\n\\t\\x7f");
  EXPECT_EQ(excerpt("\xc3\x28"), "\\xc3(");         // a lead byte without its continuation
  EXPECT_EQ(excerpt("\xc0\xaf"), "\\xc0\\xaf");     // overlong
  EXPECT_EQ(excerpt("\xc2\x85"), "\\xc2\\x85");     // C1 control NEL
  EXPECT_EQ(excerpt("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a UTF-16 surrogate
}

TEST(Excerpt, CutsAtTheBoundAtACharacterBoundary) {
  const std::string big(1000, 'z');
  EXPECT_EQ(excerpt(big), std::string(80, 'z') + "...");
  EXPECT_EQ(excerpt(big, 5), "zzzzz...");
  // An escape is never split: 3 x "\x1b" (4 chars each) within 10 characters is 2 of them.
  EXPECT_EQ(excerpt("\x1b\x1b\x1b", 10), "\\x1b\\x1b...");
  // A multi-byte character counts as one character and is kept whole.
  EXPECT_EQ(excerpt("\xc3\xa9\xc3\xa9\xc3\xa9", 2), "\xc3\xa9\xc3\xa9...");
  EXPECT_EQ(excerpt("short", 80), "short");
}

TEST(Excerpt, SafeMessageBoundsAWholeLine) {
  const std::string msg = "t.csv:2: arrival_s '" + std::string(100000, '7') + "'";
  const std::string safe = safe_message(msg);
  EXPECT_LE(safe.size(), 2003U);
  EXPECT_EQ(safe.rfind("...", safe.size() - 3), safe.size() - 3);
  EXPECT_EQ(safe_message("a\nb"), "a\\nb");  // one message stays one line
}

}  // namespace
}  // namespace xpusim
