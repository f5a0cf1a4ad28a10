// `rma audit [REV..REV]`: verifies in git history that ledger files were only ever
// appended to: no committed line changed, removed or reordered, no ledger file deleted or
// renamed. Uses the `git` command, so it works in a clone, in a bare repository, and in a
// server's pre-receive hook (where the pushed objects sit in git's quarantine, which the
// git command finds through the environment the hook runs in).
#pragma once

#include <boost/filesystem/path.hpp>

#include <string>
#include <vector>

namespace rma {

struct AuditViolation {
  std::string commit;  // the commit that changed history
  std::string parent;
  std::string file;    // repository-relative
  int line = 0;        // line in the parent's version that was changed or removed (0: the file)
  std::string message;
  std::string old_text;  // the committed line as it was
};

struct AuditReport {
  std::size_t commits = 0;        // commits examined
  std::size_t file_versions = 0;  // (commit, parent, file) comparisons
  std::vector<AuditViolation> violations;
};

// Is this repository path a ledger file (…ledger/YYYY-MM/NAME.rma)?
bool is_ledger_path(const std::string& path);

// `range` is "A..B", a single revision (its whole history), or empty (HEAD's history).
// `cwd` is inside the repository (a work tree or a bare repository). Error(not_found) when
// there is no repository or revision, Error(system) when git cannot run.
AuditReport audit_history(const boost::filesystem::path& cwd, const std::string& range);

}  // namespace rma
