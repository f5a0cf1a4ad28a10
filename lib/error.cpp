#include "error.hpp"

#include <fmt/format.h>

#include "text.hpp"

namespace rma {

int exit_code(ErrorKind kind) { return static_cast<int>(kind); }

Error::Error(ErrorKind kind, std::string what, std::string why, std::string hint,
             SourceLocation where)
    : std::runtime_error(what + ": " + why),
      kind_(kind),
      subject_(std::move(what)),
      why_(std::move(why)),
      hint_(std::move(hint)),
      where_(std::move(where)) {}

std::string location_text(const SourceLocation& where) {
  std::string out = where.file;
  if (where.line > 0) out += fmt::format(":{}", where.line);
  if (where.column > 0) out += fmt::format(":{}", where.column);
  return out;
}

std::string render_quote(const SourceLocation& where) {
  if (where.text.empty()) return {};
  // Show the line as it would print, with control bytes made visible, and put the caret
  // under the column counted in display cells, so Chinese text does not shift it.
  std::string out = "  | " + printable(where.text) + "\n";
  if (where.column > 0) {
    std::size_t bytes = byte_offset_of_column(where.text, where.column);
    std::string prefix = printable(where.text.substr(0, bytes));
    out += "  | " + std::string(display_width(prefix), ' ') + "^\n";
  }
  return out;
}

std::string render_location(const SourceLocation& where) {
  if (where.empty()) return {};
  return location_text(where) + ":\n" + render_quote(where);
}

}  // namespace rma
