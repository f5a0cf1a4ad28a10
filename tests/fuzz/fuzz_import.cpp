// libFuzzer target: the import row readers (CSV and JSON Lines). Any input yields rows, row
// errors, or an rma::Error for the file as a whole; nothing else may escape or crash.
#include <cstdint>
#include <string>

#include "error.hpp"
#include "import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  for (const char* format : {"csv", "jsonl"}) {
    std::vector<rma::RowError> errors;
    try {
      auto rows = rma::read_import_rows(text, "fuzz", format, errors);
      for (const auto& row : rows)
        if (row.line <= 0) __builtin_trap();
    } catch (const rma::Error&) {
    }
  }
  return 0;
}
