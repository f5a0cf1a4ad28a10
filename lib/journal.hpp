// The write path: under the workspace lock, read what is in the ledger now, let the caller
// decide on the events (its rules see the latest state, including what other processes
// appended a moment ago), give each its seq and chain hash, and append them with one
// write and one fsync per file. Success is returned only after the fsync.
#pragma once

#include <boost/filesystem/path.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ledger_store.hpp"

namespace rma {

// An event before the ledger gives it a seq and a hash.
struct Draft {
  std::string case_id;
  std::string action;
  std::vector<Field> fields;
  std::string by;
  Instant recorded{};
  // For `resolve`: the hash of the fork branch the chain continues from.
  std::optional<std::string> chain_from;
};

struct Appended {
  Event event;       // with seq and hash
  std::string line;  // as written, with its LF
  std::string file;  // workspace-relative
};

struct AppendOutcome {
  std::vector<Appended> events;
  std::vector<std::string> warnings;  // torn tails moved aside
};

class Journal {
 public:
  // Takes the workspace lock (Error system after the lock timeout) and reads the ledger.
  Journal(boost::filesystem::path root, std::string site, Zone zone);

  const Ledger& ledger() const { return ledger_; }

  // A new case id for a case opened at `opened` by this site: PREFIX-YYMMDD-SITE-NNNN,
  // the site's next counter for that local day (ids in `pending` count as taken).
  std::string next_case_id(const std::string& prefix, Instant opened,
                           const std::vector<std::string>& pending = {}) const;

  // Seals and appends the drafts in order (one write and fsync per month file). With
  // `dry_run`, seals them and appends nothing. A draft on a case with an unresolved fork
  // at its head is refused (Error conflict), except a resolve naming its branch.
  AppendOutcome append(std::vector<Draft> drafts, bool dry_run);

 private:
  boost::filesystem::path root_;
  std::string site_;
  Zone zone_;
  WorkspaceLock lock_;
  Ledger ledger_;
};

}  // namespace rma
