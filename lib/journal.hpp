// The write path: under the workspace lock, read what is in the ledger now, let the caller
// decide on the events (its rules see the latest state, including what other processes
// appended a moment ago and what this command staged before), give each its seq and chain
// hash, and append them with one write and one fsync per file. Success is returned only
// after the fsync.
#pragma once

#include <boost/filesystem/path.hpp>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ledger_index.hpp"
#include "ledger_store.hpp"

namespace rma {

// An event before the ledger gives it a seq and a hash.
struct Draft {
  std::string case_id;
  std::string action;
  std::vector<Field> fields;
  std::string by;
  Instant recorded{};
  // For `resolve`: the hash of the event the chain continues from (the kept branch's end).
  std::optional<std::string> chain_from;
};

// A staged event: the journal's own record of it (its replays and lookups read it, before
// the commit and after) and what the command reports, one copy of each event for both.
struct Appended {
  StoredEvent stored;  // the event with its seq and hash, its body (the line before " h="), its time
  // Workspace-relative; shared by the events staged with it, as a batch stages thousands
  // in one file.
  std::shared_ptr<const std::string> file;

  const Event& event() const { return stored.event; }
  std::string line() const;  // as written, with its LF
  std::size_t line_size() const { return stored.body.size() + hash_suffix_size(stored.event.hash); }
  void append_line_to(std::string& out) const;  // line(), at the end of `out`
};

struct AppendOutcome {
  std::vector<std::shared_ptr<const Appended>> events;
  std::vector<std::string> warnings;  // torn tails moved aside
};

class Journal {
 public:
  // How the ledger is read: through the index (a command about a few cases), or every file
  // at once (a batch over many cases). RMA_INDEX=off always reads every file.
  enum class Reading { index, whole };

  // Takes the workspace lock (Error system after the lock timeout) and opens the ledger.
  Journal(boost::filesystem::path root, std::string site, Zone zone, Reading reading = Reading::index);

  // Every case id in the ledger, sorted (slow: for suggestions after a typo).
  std::vector<std::string> case_ids() const;
  const boost::filesystem::path& root() const { return root_; }
  const std::string& site() const { return site_; }

  // Events of a case in the ledger and staged by this command, in seq order.
  std::vector<const StoredEvent*> case_events(const std::string& case_id) const;
  // Whether it has any: !case_events(case_id).empty(), without gathering them.
  bool has_case(const std::string& case_id) const;

  // A new case id for a case opened at `opened` by this site: PREFIX-YYMMDD-SITE-NNNN,
  // the site's next counter for that local day.
  std::string next_case_id(const std::string& prefix, Instant opened) const;

  // Seals a draft (seq and hash after the case's head, staged events included) and keeps
  // it for commit(). A case with a fork at its head is refused (Error conflict), except
  // by a draft that names the branch to continue (`chain_from`). The result is shared with
  // the journal, so a batch's results do not hold a second copy of every event.
  std::shared_ptr<const Appended> stage(Draft draft);
  std::size_t staged() const { return staged_.size() - written_; }  // since the last commit
  // Makes room for about `events` more staged events (a batch's rows) at once, instead of
  // growing and rehashing the journal's tables as they come; the index readies itself for
  // as many lookups.
  void expect(std::size_t events);

  // Lookups over the ledger and the staged events, indexed on first use and kept current as
  // events are staged, so a batch of many rows stays linear.
  const StoredEvent* find_key(const std::string& key);          // an import row's key=
  const StoredEvent* find_refund_ref(const std::string& ref);   // a refund's ref=
  const StoredEvent* find_ext(const std::string& ext);          // an open's ext=

  // What a batch will ask of the ledger, asked at once: through the index that is one pass
  // over each segment instead of one per row (and nothing to do for a whole read). The
  // cases of the external ids found are fetched too. Asking for anything else later still
  // works, a lookup at a time.
  struct Questions {
    std::vector<std::string> cases, keys, refund_refs, exts;
  };
  // fetch() asks them, reading only the index and the ledger files (which do not change
  // under the lock), never what this journal holds or stages, so a batch can fetch its
  // next window on another thread while it checks and stages this one. adopt() puts the
  // answers in place of what was fetched before, and returns that for the caller to let
  // go of. `threads` as for LedgerIndex::lookup_many. Without the index there is nothing
  // to fetch.
  struct Indexes {
    std::unordered_map<std::string, const StoredEvent*> keys, refunds, exts;
  };
  struct Fetched {
    std::unordered_map<std::string, std::vector<StoredEvent>> cases;  // events per case
    Indexes answers;                 // null: not in the ledger
    std::deque<StoredEvent> events;  // what `answers` point at
  };
  Fetched fetch(const Questions& q, unsigned threads = 0) const;
  [[nodiscard]] Fetched adopt(Fetched fetched);
  // Lets go of what was fetched (adopted, or looked up since); asking again fetches again.
  // The staged events stay.
  void forget_fetched();

  // Appends every event staged since the last commit (one write and fsync per month file)
  // and returns them. The journal goes on seeing them, so it can stage more after. With
  // `dry_run` it appends nothing, returns what would be written, and forgets it.
  AppendOutcome commit(bool dry_run);

  // stage() every draft, then commit().
  AppendOutcome append(std::vector<Draft> drafts, bool dry_run);

 private:
  boost::filesystem::path root_;
  std::string site_;
  Zone zone_;
  WorkspaceLock lock_;
  std::optional<LedgerIndex> index_;  // Reading::index
  std::optional<Ledger> ledger_;      // Reading::whole
  // Events read through the index, per case; events found by key, ref or ext; and the
  // answers of fetch() (Reading::index).
  mutable Fetched fetched_;
  mutable const std::pair<const std::string, std::vector<StoredEvent>>* last_fetched_ = nullptr;
  // The case's events in fetched_, fetched through the index if they are not there yet.
  const std::vector<StoredEvent>& fetched_events(const std::string& case_id) const;
  // Every event this journal staged, the first `written_` of them appended by a commit: the
  // ledger as it was read (the index's answers, the whole ledger) lacks those, so they stay
  // in view for what is staged after.
  std::vector<std::shared_ptr<const Appended>> staged_;
  std::size_t written_ = 0;
  void see(const Appended& staged);  // puts a staged event in view of the lookups
  // Keyed by the case id of the case's first staged event, which lives as long as staged_
  // holds it: a batch stages an event on each of many cases, and a copy of each id would
  // be one more allocation a row.
  using StagedOfCase = std::pair<const std::string_view, std::vector<const StoredEvent*>>;
  std::unordered_map<std::string_view, std::vector<const StoredEvent*>> staged_by_case_;
  // The staged events of a case (null: none). A row asks about its case several times in a
  // row: the last answer is kept (the map's entries stay where they are; only a dry run's
  // commit clears the map, and the answer with it).
  mutable const StagedOfCase* last_staged_ = nullptr;
  mutable std::optional<std::string> last_staged_id_;  // the case of that answer, if any
  const std::vector<const StoredEvent*>* staged_of(const std::string& case_id) const;

  std::pair<Instant, std::shared_ptr<const std::string>> file_of_;  // the ledger file of the last event staged, by its time
  std::optional<Indexes> indexes_;  // over the whole ledger (Reading::whole) or the staged events
  std::size_t expected_ = 0;        // staged events expected in all (expect())
  Indexes& indexes();
  void index(const StoredEvent& e);
  // The ledger's event carrying `value` (through the index, or the whole-ledger map),
  // else a staged one.
  const StoredEvent* find(std::optional<StoredEvent> (LedgerIndex::*in_index)(std::string_view) const,
                          std::unordered_map<std::string, const StoredEvent*> Indexes::*map, const std::string& value);
};

}  // namespace rma
