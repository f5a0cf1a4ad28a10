#include "text.hpp"

#include <unicode/uchar.h>

#include <algorithm>
#include <fmt/format.h>
#include <vector>

namespace rma {

namespace {

// Decodes one code point at `i`; returns its length, or 0 when the bytes are not valid
// UTF-8 (RFC 3629: shortest form, no surrogates, at most U+10FFFF).
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t len;
  char32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1Fu;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0Fu;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07u;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp;
    std::size_t n = decode_utf8(text, i, cp);
    if (n == 0) return i;
    i += n;
  }
  return std::nullopt;
}

int column_of(std::string_view text, std::size_t byte_offset) {
  int col = 1;
  std::size_t i = 0;
  byte_offset = std::min(byte_offset, text.size());
  while (i < byte_offset) {
    char32_t cp;
    std::size_t n = decode_utf8(text, i, cp);
    i += n == 0 ? 1 : n;
    ++col;
  }
  return col;
}

std::size_t byte_offset_of_column(std::string_view text, int column) {
  std::size_t i = 0;
  for (int c = 1; c < column && i < text.size(); ++c) {
    char32_t cp;
    std::size_t n = decode_utf8(text, i, cp);
    i += n == 0 ? 1 : n;
  }
  return i;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t cp;
    std::size_t n = decode_utf8(text, i, cp);
    if (n == 0) {
      ++width;  // an invalid byte prints as one replacement cell
      ++i;
      continue;
    }
    i += n;
    auto c = static_cast<UChar32>(cp);
    int gc = u_getIntPropertyValue(c, UCHAR_GENERAL_CATEGORY);
    if (gc == U_NON_SPACING_MARK || gc == U_ENCLOSING_MARK || cp == 0x200B) continue;
    int eaw = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
    width += (eaw == U_EA_WIDE || eaw == U_EA_FULLWIDTH) ? 2 : 1;
  }
  return width;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += ch;
    }
  }
  return out;
}

namespace {

// Optimal string alignment distance: insertions, deletions, substitutions, and a swap of
// two neighbours ("reveiw" -> "review") each count as one edit.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t w = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * w);
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * w + j]; };
  for (std::size_t i = 0; i <= a.size(); ++i) at(i, 0) = i;
  for (std::size_t j = 0; j <= b.size(); ++j) at(0, j) = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
    }
  }
  return at(a.size(), b.size());
}

template <typename Range>
std::optional<std::string> closest_in(std::string_view word, const Range& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& candidate : candidates) {
    std::string_view c = candidate;
    std::size_t d = edit_distance(word, c);
    std::size_t limit = std::max<std::size_t>(1, std::min(word.size(), c.size()) / 3);
    if (d <= limit && (!best || d < best_distance)) {
      best = std::string(c);
      best_distance = d;
    }
  }
  return best;
}

}  // namespace

std::optional<std::string> closest_match(std::string_view word,
                                         std::span<const std::string_view> candidates) {
  return closest_in(word, candidates);
}

std::optional<std::string> closest_match(std::string_view word,
                                         std::span<const std::string> candidates) {
  return closest_in(word, candidates);
}

bool is_ascii_lower_word(std::string_view s) {
  if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

}  // namespace rma
