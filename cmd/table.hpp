// Aligned text tables for the terminal: columns sized by display width (Chinese counts
// two cells), long cells cut with an ellipsis so a row fits the terminal, colour only
// where the caller asks for it (and so only on a terminal).
#pragma once

#include <string>
#include <vector>

namespace rma::cli {

struct Cell {
  std::string text;
  std::string color;  // an SGR code such as "31" (red); empty for none
};

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  // A column that may be cut to fit the terminal (notes, products).
  void flexible(std::size_t column) { flexible_.push_back(column); }
  void add(std::vector<Cell> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  std::string render(bool color, std::size_t width) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<Cell>> rows_;
  std::vector<std::size_t> flexible_;
};

// The terminal's width ($COLUMNS, else the tty's), or 0 when output is not a terminal.
std::size_t terminal_width();

// Every line of `text` with `prefix` before it (tables under a heading).
std::string indent_lines(const std::string& text, const std::string& prefix);

// Cuts `text` to at most `width` display cells, ending in "…" when cut.
std::string truncate_to_width(const std::string& text, std::size_t width);

}  // namespace rma::cli
