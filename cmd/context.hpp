// What every subcommand shares: the global options, the workspace they lead to, and how
// results and errors are written. Subcommand files declare their flags, build a request,
// call the library and render the result; no business rule lives in cmd/.
#pragma once

#include <boost/filesystem/path.hpp>

#include <functional>
#include <optional>
#include <string>

#include "instant.hpp"
#include "ledger_store.hpp"
#include "settings.hpp"

namespace CLI {
class App;
}

namespace rma::cli {

namespace fs = boost::filesystem;

struct GlobalOptions {
  std::optional<std::string> dir;
  std::optional<std::string> site;
  std::optional<std::string> by;
  std::optional<std::string> now;
  std::string format = "table";
  bool json = false;
  bool quiet = false;
  bool no_color = false;
};

// One case as a reader sees it, and the ledger's files.
struct LedgerView {
  std::vector<std::string> files;
  std::vector<StoredEvent> stored;
  std::vector<const StoredEvent*> events;  // into `stored`, in seq order
  std::function<std::vector<std::string>()> case_ids;  // every case id (slow: after a typo)
};

class Context {
 public:
  GlobalOptions options;
  int exit_code = 0;

  fs::path cwd() const;
  // The workspace root (found once); Error(not_found) when there is none.
  const fs::path& root();
  const Settings& settings();
  Instant now();

  bool json() const { return options.json || options.format == "json"; }
  bool color_stdout() const;
  bool color_stderr() const;
  void warn(const std::string& message) const;  // "rma: warning: ..." on stderr
  void warn_torn(const std::vector<LedgerIssue>& issues) const;  // a warning per torn last line

  // Reads every ledger file for a reading command: progress on a terminal, and (with
  // `warn_torn_tails`) a warning for each torn last line, which is skipped. The ledger
  // lives until the process ends: freeing a million events one by one takes longer than
  // most commands, and the system takes the memory back at once when the process exits.
  const Ledger& read_ledger(const char* doing = "reading ledger files", bool warn_torn_tails = true);
  // Reads one case through the index (or every file, with RMA_INDEX=off), with the same
  // warnings.
  LedgerView read_case(const std::string& case_id);

 private:
  std::optional<fs::path> root_;
  std::optional<Settings> settings_;
  std::optional<Instant> now_;
};

// One subcommand: its name, a one-line summary, and the function that declares its flags
// and sets its callback. Adding a subcommand is adding one file and one line in main.cpp.
struct Command {
  const char* name;
  const char* summary;
  void (*setup)(CLI::App& sub, Context& ctx);
};

// Prints an rma::Error as DESIGN §6 wants it (text or JSON on stderr).
void print_error(const Context& ctx, const std::exception& error);

}  // namespace rma::cli
