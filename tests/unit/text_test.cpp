#include <doctest/doctest.h>

#include <array>

#include "text.hpp"

using namespace rma;

TEST_CASE("UTF-8 validation accepts Chinese and emoji and refuses bad sequences") {
  CHECK_FALSE(find_invalid_utf8("扶手开裂 armrest cracked 😀").has_value());
  CHECK(find_invalid_utf8("ab\xff").value() == 2);
  CHECK(find_invalid_utf8("\xc0\xaf").value() == 0);          // overlong '/'
  CHECK(find_invalid_utf8("\xed\xa0\x80").value() == 0);      // surrogate
  CHECK(find_invalid_utf8("x\xf4\x90\x80\x80").value() == 1); // above U+10FFFF
  CHECK(find_invalid_utf8("\xe6\x89").value() == 0);          // cut short
}

TEST_CASE("display width counts wide characters as two cells") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("扶手") == 4);
  CHECK(display_width("a扶b") == 4);
}

TEST_CASE("columns are counted in code points") {
  std::string_view s = "扶手 x";
  CHECK(column_of(s, 0) == 1);
  CHECK(column_of(s, 3) == 2);
  CHECK(column_of(s, 7) == 4);
  CHECK(byte_offset_of_column(s, 4) == 7);
}

TEST_CASE("closest match suggests likely typos only") {
  std::array<std::string_view, 4> commands = {"review", "refund", "receive", "reopen"};
  CHECK(closest_match("reveiw", commands).value() == "review");
  CHECK(closest_match("refnud", commands).value() == "refund");
  CHECK_FALSE(closest_match("xyzzy", commands).has_value());
}

TEST_CASE("printable escapes control characters") {
  CHECK(printable("a\nb\tc\x01") == "a\\nb\\tc\\x01");
}
