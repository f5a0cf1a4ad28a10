// Text helpers shared by the ledger, the policies and the command line: UTF-8 validation,
// display widths (Chinese text counts two cells), and spelling suggestions.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace rma {

// Byte offset of the first invalid UTF-8 sequence (overlong forms, surrogates and code
// points above U+10FFFF are invalid too), or nullopt when the text is valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// 1-based column (in code points) of a byte offset, and back.
int column_of(std::string_view text, std::size_t byte_offset);
std::size_t byte_offset_of_column(std::string_view text, int column);

// Terminal cells the text takes: East Asian wide and full-width characters count two,
// combining marks zero (ICU's UCHAR_EAST_ASIAN_WIDTH).
std::size_t display_width(std::string_view text);

// The text with control characters shown as escapes (\n, \t, \x01), safe to print.
std::string printable(std::string_view text);

// The candidate closest to `word` by edit distance, if it is close enough to be a likely
// typo ("reveiw" -> "review"); nullopt otherwise.
std::optional<std::string> closest_match(std::string_view word,
                                         std::span<const std::string_view> candidates);
std::optional<std::string> closest_match(std::string_view word,
                                         std::span<const std::string> candidates);

bool is_ascii_lower_word(std::string_view s);  // [a-z][a-z0-9_-]*

}  // namespace rma
