#include "table.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "text.hpp"

namespace rma::cli {

std::size_t terminal_width() {
  if (::isatty(1) != 1) return 0;
  if (const char* c = std::getenv("COLUMNS")) {
    long v = std::strtol(c, nullptr, 10);
    if (v > 0) return static_cast<std::size_t>(v);
  }
  winsize ws{};
  if (::ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

std::string indent_lines(const std::string& text, const std::string& prefix) {
  std::string out;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out += prefix + text.substr(pos, nl - pos) + "\n";
    pos = nl + 1;
  }
  return out;
}

std::string truncate_to_width(const std::string& text, std::size_t width) {
  std::string clean = printable(text);
  if (display_width(clean) <= width) return clean;
  if (width == 0) return {};
  std::string out;
  std::size_t used = 0;
  std::size_t i = 0;
  while (i < clean.size()) {
    std::size_t len = 1;
    auto c = static_cast<unsigned char>(clean[i]);
    if (c >= 0xF0) len = 4;
    else if (c >= 0xE0) len = 3;
    else if (c >= 0xC0) len = 2;
    std::string ch = clean.substr(i, len);
    std::size_t w = display_width(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
    i += len;
  }
  return out + "…";
}

std::string Table::render(bool color, std::size_t width) const {
  std::size_t n = headers_.size();
  std::vector<std::size_t> widths(n, 0);
  for (std::size_t c = 0; c < n; ++c) widths[c] = display_width(headers_[c]);
  for (const auto& row : rows_)
    for (std::size_t c = 0; c < n && c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(printable(row[c].text)));
  if (width > 0) {
    std::size_t total = n > 0 ? 2 * (n - 1) : 0;
    for (auto w : widths) total += w;
    // Shrink the flexible columns, widest first, until the row fits (never below 8 cells).
    while (total > width) {
      std::size_t widest = n;
      for (auto c : flexible_)
        if (c < n && widths[c] > 8 && (widest == n || widths[c] > widths[widest])) widest = c;
      if (widest == n) break;
      std::size_t cut = std::min(total - width, widths[widest] - 8);
      widths[widest] -= cut;
      total -= cut;
    }
  }
  std::string out;
  auto emit_row = [&](const std::vector<Cell>& row, bool header) {
    std::string line;
    for (std::size_t c = 0; c < n; ++c) {
      std::string text = c < row.size() ? truncate_to_width(row[c].text, widths[c]) : "";
      std::size_t pad = widths[c] - std::min(widths[c], display_width(text));
      bool last = c + 1 == n;
      std::string sgr = header ? "1" : (c < row.size() ? row[c].color : "");
      if (color && !sgr.empty()) text = "\x1b[" + sgr + "m" + text + "\x1b[0m";
      line += text;
      if (!last) line += std::string(pad + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  std::vector<Cell> header;
  for (const auto& h : headers_) header.push_back({h, ""});
  emit_row(header, true);
  for (const auto& row : rows_) emit_row(row, false);
  return out;
}

}  // namespace rma::cli
