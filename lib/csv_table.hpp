// CSV reading with libcsv (RFC 4180 quoting, fields spanning lines), keeping each
// record's line number for error messages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rma {

struct CsvRecord {
  int line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

// Parses CSV text. Blank lines yield no record. Error(bad_data) with the line for text
// libcsv cannot read (an unterminated quote, say).
// `strict`: refuse malformed quoting (a quote inside an unquoted field, an unterminated
// quote); import is strict, reconciliation of messy bank files is not.
std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& display_path, char delimiter = ',',
                                 bool strict = false);

}  // namespace rma
