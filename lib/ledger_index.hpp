// The index of the ledger under .rma/index/: one segment per ledger file, so a command
// about one case reads the few lines it needs instead of every file.
//
// A segment maps hashes of case ids, import keys, refund references, external request
// ids and case-id stems to the byte offset and length of the lines that carry them. It
// is only a locator: every line it points at is read from the ledger file again, checked
// to be whole, parsed and compared with what was asked, so the answers are those of the
// files as they are now. A segment is used only while its ledger file keeps the identity
// (device, inode), the modification time (when the size did not change) and the hash of
// the last 4 KiB it covered; bytes appended after it are parsed on every use, and once
// they pass 64 KiB the segment is rewritten. Anything that does not match -- a file
// truncated, replaced by `git pull`, edited in place, a damaged or missing segment -- is
// rebuilt from the file, never trusted. Segments are written to a temporary file, synced
// and renamed, so a crash leaves the old segment or the new one. RMA_INDEX=off makes
// every lookup read the files (for comparison); RMA_INDEX_TRACE=1 tells on stderr how
// many segments were used, extended and rebuilt. Lookups may run on several threads at
// once (a batch fetches its next rows' cases while it checks these): segments are read
// under a shared lock and rebuilt under an exclusive one.
#pragma once

#include <boost/filesystem/path.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ledger_store.hpp"

namespace rma {

class LedgerIndex {
 public:
  // Validates every file's segment, rebuilding those that do not match (on all cores).
  // Problems of whole files (unreadable, not a ledger) and torn tails become issues;
  // format errors inside lines are skipped here and left to `rma check`.
  explicit LedgerIndex(const fs::path& root);
  ~LedgerIndex();
  LedgerIndex(const LedgerIndex&) = delete;
  LedgerIndex& operator=(const LedgerIndex&) = delete;

  const std::vector<std::string>& files() const { return files_; }
  const std::vector<LedgerIssue>& issues() const { return issues_; }

  // The events of a case, in the order Ledger::case_events gives them (seq, file, line).
  std::vector<StoredEvent> case_events(std::string_view case_id) const;
  // The event that carries an import key, a refund's ref= or an open's ext= (the first in
  // file order when several do).
  std::optional<StoredEvent> find_key(std::string_view key) const;
  std::optional<StoredEvent> find_refund_ref(std::string_view ref) const;
  std::optional<StoredEvent> find_ext(std::string_view ext) const;
  // Many lookups of one kind at once, in one pass over each segment: for each value, what
  // case_events (every event) or find_key, find_refund_ref, find_ext (the first) give.
  // `threads`: how many to read the segments on; 0 for as many as pay.
  enum class Of { case_events, key, refund_ref, ext };
  std::vector<std::vector<StoredEvent>> lookup_many(Of of, const std::vector<std::string_view>& values,
                                                    unsigned threads = 0) const;
  // A batch about to ask `values` values in all, however it splits them: from a few
  // thousand on, every lookup goes through a directory of the entries (built on the first),
  // instead of walking every segment beside each call's values.
  void expect_lookups(std::size_t values) const;
  bool has_directory() const;  // built, and not dropped since

  // The highest counter of the case ids that start with `stem` ("RMA-261123-SH-"); 0 if none.
  std::uint32_t highest_counter(std::string_view stem) const;
  // Every case id, sorted (for suggestions after a typo).
  std::vector<std::string> case_ids() const;

  struct Stats {
    std::size_t used = 0;      // segments used as they were
    std::size_t extended = 0;  // used, with appended bytes parsed
    std::size_t rebuilt = 0;   // rebuilt from the file
  };
  const Stats& stats() const { return stats_; }

  struct Segment;  // one file's part (ledger_index.cpp)
  enum class Kind : std::uint32_t;

 private:
  std::vector<StoredEvent> lookup(Kind kind, std::string_view value, bool all) const;
  std::vector<std::vector<StoredEvent>> lookup(Kind kind, const std::vector<std::string_view>& values, bool all,
                                               unsigned threads = 0, bool retried = false) const;

  // Every segment's entries by hash, for lookups of many values at once: built on the
  // first such lookup, dropped whenever a segment is rebuilt (ledger_index.cpp).
  struct Directory;
  std::shared_ptr<const Directory> directory() const;
  void drop_directory() const;

  fs::path root_;
  std::vector<std::string> files_;
  std::vector<LedgerIssue> issues_;
  std::vector<std::unique_ptr<Segment>> segments_;
  Stats stats_;
  mutable std::shared_mutex guard_;  // shared: reading segments; exclusive: rebuilding one
  mutable std::mutex directory_mutex_;  // building the directory (under a shared guard_)
  mutable std::shared_ptr<const Directory> directory_;
  mutable std::atomic<bool> directory_wanted_{false};  // by expect_lookups, for every lookup
};

// Whether the index may be used: false when $RMA_INDEX is "off".
bool index_enabled();

}  // namespace rma
