// `rma import FILE`: many actions from CSV (with a header) or JSON Lines, each row checked
// exactly as if it had been typed, all or nothing unless skip_bad, one fsync per batch.
//
// A row names `action`, `case` (an id, or ext:REF for a case opened earlier by its --ext),
// optionally `key` (an idempotency key recorded with the event: a row whose key is already
// in the ledger is skipped as done), and the command's long option names without dashes.
// In CSV an empty cell is an absent option, a flag is true/yes/1, and a repeatable option
// (evidence, deduct, set) holds its values separated by ';'. In JSON Lines values are
// strings, integers, booleans (flags) or arrays (repeatable options).
#pragma once

#include <boost/filesystem/path.hpp>

#include <string>
#include <vector>

#include "lifecycle.hpp"

namespace rma {

struct ImportRow {
  int line = 0;
  ActionRequest request;
};

// Reads the rows of a CSV or JSON Lines file (chosen by `format`: "csv", "jsonl", or
// "auto" by extension). A file that cannot be read as a whole (unknown column, no header,
// not CSV) throws Error(bad_data); rows that are malformed become `row_errors`.
struct RowError {
  int line = 0;
  ErrorKind kind = ErrorKind::usage;
  std::string message;  // "what: why"
  std::string hint;
};
std::vector<ImportRow> read_import_rows(const std::string& text, const std::string& display_path, const std::string& format,
                                        std::vector<RowError>& row_errors);

// What one row did. A batch keeps one for each row, so it holds no more than the report
// needs: not the whole ActionResult, whose summary and state came to about 300 bytes a row.
struct ImportedRow {
  std::shared_ptr<const Appended> appended;  // the event it staged (null: done before)
  std::string done_on;  // done before: the case it was done on (an appended row's is its event's)
  const std::string& case_id() const { return appended ? appended->event().case_id : done_on; }
};

struct ImportReport {
  std::size_t rows = 0;
  std::vector<ImportedRow> applied;  // appended (or, in a dry run, would be)
  std::vector<ImportedRow> already;  // done before: a known key, refund reference or --ext
  std::vector<RowError> bad;
  bool committed = false;
};

// Stages every row in one journal; commits when no row is bad, or with skip_bad the good
// ones. Nothing is appended in a dry run or when a bad row refuses the file. The rows are
// checked `window` at a time: what a window asks of the ledger is fetched at once, the next
// window's on a second thread while this one's rows are checked, and let go of after it
// (the answers are the same for any window; tests make it small). A small window keeps
// what the rows read of the fetch in the processor's cache: at 250,000 cases, windows of
// 1,024 rows import 100,000 rows 7-10% faster than windows of 8,192, which are faster than
// windows of 16,384; 512 is no faster again. An exception other than a row's Error (from
// `progress`, say) ends both threads and reaches the caller; nothing is appended then.
ImportReport run_import(Journal& journal, const std::vector<ImportRow>& rows, std::vector<RowError> row_errors,
                        const WriteEnv& env, bool skip_bad, bool dry_run, const ProgressFn& progress = {},
                        std::size_t window = 1024);

}  // namespace rma
