// `rma check`: verifies every ledger file: line format, per-case hash chains, forks
// (two events with one case and seq), seq gaps, duplicate case ids and torn tails.
#pragma once

#include <boost/filesystem/path.hpp>

#include <string>
#include <vector>

#include "ledger_store.hpp"

namespace rma {

enum class Severity { finding, warning };

struct Finding {
  std::string kind;  // format, torn-tail, unreadable, not-a-ledger, chain, gap, fork,
                     // duplicate-case, duplicate-event, key-order
  Severity severity = Severity::finding;
  SourceLocation where;
  std::string case_id;
  std::uint32_t seq = 0;
  std::string message;
  std::string hint;
};

struct CheckReport {
  std::size_t files = 0;
  std::size_t events = 0;
  std::size_t cases = 0;
  std::vector<Finding> findings;       // in file order, then case order
  std::vector<std::string> repaired;   // quarantine paths written by --repair
  bool unreadable = false;             // a file could not be read as a ledger at all

  std::size_t count(Severity s) const;
};

// Checks a ledger already read.
CheckReport check_ledger(const Ledger& ledger);
// Reads and checks every file of a workspace, keeping of each event only what check needs.
CheckReport check_files(const boost::filesystem::path& root, const ProgressFn& progress = {});

// Moves every torn tail to .rma/quarantine/ under the workspace lock; returns the paths.
std::vector<std::string> repair_torn_tails(const boost::filesystem::path& root);

}  // namespace rma
