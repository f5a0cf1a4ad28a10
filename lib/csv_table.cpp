#include "csv_table.hpp"

#include <csv.h>

#include <fmt/format.h>

#include "error.hpp"

namespace rma {

namespace {

struct Collector {
  std::vector<CsvRecord> records;
  CsvRecord current;
  int line = 1;            // the line being fed
  bool in_record = false;
};

void on_field(void* data, std::size_t size, void* ctx) {
  auto* c = static_cast<Collector*>(ctx);
  if (!c->in_record) {
    c->current.line = c->line;
    c->in_record = true;
  }
  c->current.fields.emplace_back(data ? static_cast<const char*>(data) : "", size);
}

void on_record(int, void* ctx) {
  auto* c = static_cast<Collector*>(ctx);
  std::size_t width = c->current.fields.size();
  if (c->in_record) c->records.push_back(std::move(c->current));
  c->current = CsvRecord{};
  c->current.fields.reserve(width);  // the next record most likely has as many fields
  c->in_record = false;
}

}  // namespace

std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& display_path, char delimiter, bool strict) {
  csv_parser parser;
  if (csv_init(&parser, strict ? static_cast<unsigned char>(CSV_STRICT | CSV_STRICT_FINI) : 0) != 0) throw Error(ErrorKind::system, "csv", "cannot initialise the CSV parser", "");
  csv_set_delim(&parser, static_cast<unsigned char>(delimiter));
  Collector c;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    if (csv_parse(&parser, text.data() + pos, end - pos, on_field, on_record, &c) != end - pos) {
      std::string why = csv_strerror(csv_error(&parser));
      csv_free(&parser);
      throw Error(ErrorKind::bad_data, fmt::format("{}:{}", display_path, c.line), "cannot be read as CSV: " + why,
                  "check the quotes on this line");
    }
    ++c.line;
    pos = end;
  }
  if (csv_fini(&parser, on_field, on_record, &c) != 0) {
    csv_free(&parser);
    throw Error(ErrorKind::bad_data, fmt::format("{}:{}", display_path, c.current.line ? c.current.line : c.line),
                "cannot be read as CSV: a quoted field is not closed", "close the quote, or double the quotes inside it");
  }
  csv_free(&parser);
  return std::move(c.records);  // a member: returned by copy unless moved
}

}  // namespace rma
