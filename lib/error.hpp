// Errors are values with enough to act on: what failed, why, where, and what to do next.
// The library throws rma::Error and never prints or exits; cmd/main.cpp maps the kind to
// the exit codes of DESIGN.md §7 in one place.
#pragma once

#include <stdexcept>
#include <string>

namespace rma {

enum class ErrorKind {
  findings = 1,   // check, reconcile, audit, report --fail-on found something
  usage = 2,      // unknown option, bad value
  policy = 3,     // refused by policy, supervisor needed, operator unknown
  not_found = 4,  // workspace, case, policy, file
  conflict = 5,   // action not allowed in this state, duplicate reference, fork
  bad_data = 6,   // corrupt ledger line, invalid policy or settings
  system = 7,     // I/O, permissions, lock timeout
};

int exit_code(ErrorKind kind);

// A place in a file, for errors in ledger lines, policies and import rows.
struct SourceLocation {
  std::string file;  // as shown to the user (relative to the workspace where possible)
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
  std::string text;  // the offending line, quoted under the message with a ^ marker

  bool empty() const { return file.empty(); }
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string what, std::string why, std::string hint = {},
        SourceLocation where = {});

  ErrorKind kind() const { return kind_; }
  const std::string& subject() const { return subject_; }
  const std::string& why() const { return why_; }
  const std::string& hint() const { return hint_; }
  const SourceLocation& where() const { return where_; }

 private:
  ErrorKind kind_;
  std::string subject_;
  std::string why_;
  std::string hint_;
  SourceLocation where_;
};

// Renders the location block hledger-style:
//   ledger/2026-11/SH.rma:3:28:
//     | 2026-... RMA-... 2 revew ...
//     |                    ^
std::string render_location(const SourceLocation& where);
// Its two parts: "ledger/2026-11/SH.rma:3:28", and the quoted line with its caret.
std::string location_text(const SourceLocation& where);
std::string render_quote(const SourceLocation& where);

}  // namespace rma
