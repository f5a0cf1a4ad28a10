// Ledger files on disk: ledger/YYYY-MM/SITE.rma, one per site and month, append-only.
//
// Reading gathers every file into events ordered per case by seq, and across cases by
// (at or recorded, case, seq), whatever file and line order they came in. Appending takes
// the workspace lock, quarantines a torn tail left by a crashed writer, writes all of a
// command's lines with one write(2) on an O_APPEND descriptor, fsyncs, and only then
// returns. Nothing here ever deletes a byte: a torn tail is moved to .rma/quarantine/.
#pragma once

#include <boost/filesystem/path.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "error.hpp"
#include "ledger_line.hpp"

namespace rma {

namespace fs = boost::filesystem;

// An event as read, with where it came from.
struct StoredEvent {
  Event event;
  std::uint32_t file = 0;   // index into Ledger::files
  std::uint32_t line = 0;   // 1-based line number
  std::string body;         // the hashed text as written (the line before " h="): forks are
                            // linked to their parents by it
  Instant when{};           // `at` when present and valid, else `recorded`
};

enum class IssueKind { format, torn_tail, not_a_ledger, unreadable };

struct LedgerIssue {
  IssueKind kind;
  SourceLocation where;
  std::string message;
  std::string hint;
};

struct Ledger {
  std::vector<std::string> files;   // workspace-relative paths, sorted
  std::vector<StoredEvent> events;  // ordered by (case, seq, file, line)
  std::vector<LedgerIssue> issues;  // format errors, torn tails, unreadable files

  // Events of one case, in seq order (forks: both events of a seq, in file order).
  std::vector<const StoredEvent*> case_events(std::string_view case_id) const;
  // Every case id, sorted.
  std::vector<std::string> case_ids() const;
  // Indices of events in global order: (at or recorded, case, seq).
  std::vector<std::size_t> time_order() const;
  std::string location(const StoredEvent& e) const;  // "ledger/2026-11/SH.rma:12"
};

// A parsed line as read from `file` at line `line_no`.
StoredEvent stored_event(ParsedLine&& parsed, std::string_view line, std::uint32_t file, std::uint32_t line_no);
// Sets the rest of `se`, whose event was parsed from `line` in place (parse_line_into).
void complete_stored_event(StoredEvent& se, std::string_view line, std::size_t body_length, std::uint32_t file,
                           std::uint32_t line_no);

// Opens a file for reading only when it is a regular file (not a symlink, folder or
// device); -1 with `problem` set otherwise.
int open_regular_file(const fs::path& path, std::string& problem);

// What readers report about files, worded once.
LedgerIssue unreadable_issue(const std::string& rel, const std::string& problem);
LedgerIssue torn_tail_issue(const std::string& rel, std::uint32_t line_no, std::string_view line);
LedgerIssue not_a_ledger_issue(const std::string& rel, std::string_view first_line);
LedgerIssue format_issue(const std::string& rel, std::uint32_t line_no, std::string_view line, const LineError& error);

// Reads a whole file that must be a regular file (not a symlink, folder or device);
// nullopt with `problem` set otherwise.
std::optional<std::string> read_regular_file(const fs::path& path, std::string& problem);

// Which file a reader read (device and inode), and how many bytes it got.
struct FileIdentity {
  std::uint64_t dev = 0, ino = 0;
  std::size_t size = 0;
  bool same_file(const FileIdentity& other) const { return dev == other.dev && ino == other.ino; }
};

// The same into `data`, reusing its storage, up to `limit` bytes; false with `problem`
// set when the file cannot be read.
bool read_regular_file(const fs::path& path, std::string& data, std::string& problem, FileIdentity* identity = nullptr,
                       std::size_t limit = SIZE_MAX);

// Calls `on_line` with each event line of a ledger file's bytes (not the header, blank
// lines or comments; a view into `text`) and its 1-based number; a missing header and a
// torn last line become issues. `text` may be the part of a file from line `first_line`
// on; only line 1 is checked to be the header.
void each_line(std::string_view text, const std::string& rel, std::vector<LedgerIssue>& issues,
               const std::function<void(std::string_view line, std::uint32_t line_no)>& on_line,
               std::uint32_t first_line = 1);

// Reads one ledger file into `data`, parses each line into `event` (which keeps its
// strings' storage from line to line; take the event to keep it) and calls `on_event` with
// each line that parses: its body length (the hashed part), the line (a view into `data`)
// and its 1-based number. Problems become issues: a file that cannot be read or is not a
// ledger, format errors, a torn last line (skipped).
void scan_file(const fs::path& root, const std::string& rel, std::string& data, std::vector<LedgerIssue>& issues,
               Event& event,
               const std::function<void(std::size_t body_length, std::string_view line, std::uint32_t line_no)>& on_event);

// The order of records by (case id, seq), records of one case and seq keeping the order
// they came in, for `keys` holding each record's case id and seq.
struct CaseOrder {
  std::vector<std::uint32_t> order;  // indices into keys
  std::vector<std::size_t> starts;   // where each case begins in `order`; then order.size()
};
CaseOrder case_order(const std::vector<std::pair<std::string_view, std::uint32_t>>& keys);

// Workspace-relative paths of every ledger file (ledger/*/*.rma), sorted.
std::vector<std::string> list_ledger_files(const fs::path& root);

// Progress of long work: (done, total) in some unit (files, rows), for a progress line.
using ProgressFn = std::function<void(std::size_t done, std::size_t total)>;

// Reads every ledger file. Problems in lines become issues, not exceptions; only a
// missing workspace throws. `progress` hears of each file read.
Ledger read_ledger(const fs::path& root, const ProgressFn& progress = {});

// The file a site appends to for a month: "ledger/2026-11/SH.rma".
std::string ledger_file_for(std::string_view site, std::string_view month);

// The workspace's exclusive lock (.rma/lock), held for the appends of one command.
class WorkspaceLock {
 public:
  WorkspaceLock(const fs::path& root, std::chrono::milliseconds timeout);
  ~WorkspaceLock();
  WorkspaceLock(const WorkspaceLock&) = delete;
  WorkspaceLock& operator=(const WorkspaceLock&) = delete;

 private:
  int fd_ = -1;
};

// Lock timeout from $RMA_LOCK_TIMEOUT (seconds), default 30 s.
std::chrono::milliseconds lock_timeout();

// Moves the bytes after the last LF of `rel_file` to .rma/quarantine/ and cuts them from
// the file. Returns the quarantine path, or nullopt when the file ends in LF. Call with
// the lock held.
std::optional<std::string> quarantine_torn_tail(const fs::path& root, const std::string& rel_file);

struct AppendResult {
  std::vector<std::string> warnings;  // torn tails quarantined before appending
};

// Appends complete, LF-terminated lines to a ledger file, creating the month folder and
// the file (with its header) when needed. Call with the lock held. Throws Error(system)
// when the write or fsync fails, after cutting the file back to its old size.
AppendResult append_lines(const fs::path& root, const std::string& rel_file, std::string_view lines);

}  // namespace rma
