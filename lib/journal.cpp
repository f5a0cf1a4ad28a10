#include "journal.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <utility>

namespace rma {

Journal::Journal(boost::filesystem::path root, std::string site, Zone zone, Reading reading)
    : root_(std::move(root)), site_(std::move(site)), zone_(zone), lock_(root_, lock_timeout()) {
  if (reading == Reading::index && index_enabled()) index_.emplace(root_);
  else ledger_.emplace(read_ledger(root_));
  // A file that cannot be read may hold the case, its refund references or today's ids:
  // deciding without it could break the rules, so writers wait until it is fixed.
  for (const auto& issue : index_ ? index_->issues() : ledger_->issues)
    if (issue.kind == IssueKind::unreadable || issue.kind == IssueKind::not_a_ledger)
      throw Error(ErrorKind::bad_data, "ledger", issue.message, issue.hint + "; `rma check` lists every problem");
}

const std::vector<StoredEvent>& Journal::fetched_events(const std::string& case_id) const {
  // A row asks about its case three or four times in a row: the last answer is kept.
  if (last_fetched_ && last_fetched_->first == case_id) return last_fetched_->second;
  auto& cases = fetched_.cases;
  auto it = cases.find(case_id);
  if (it == cases.end()) it = cases.emplace(case_id, index_->case_events(case_id)).first;
  last_fetched_ = &*it;
  return it->second;
}

const std::vector<const StoredEvent*>* Journal::staged_of(const std::string& case_id) const {
  if (last_staged_id_ != case_id) {
    auto it = staged_by_case_.find(case_id);
    last_staged_ = it == staged_by_case_.end() ? nullptr : &*it;
    last_staged_id_ = case_id;
  }
  return last_staged_ ? &last_staged_->second : nullptr;
}

void Appended::append_line_to(std::string& out) const {
  out += stored.body;
  append_hash_suffix(out, stored.event.hash);
}

std::string Appended::line() const {
  std::string out;
  out.reserve(line_size());
  append_line_to(out);
  return out;
}

bool Journal::has_case(const std::string& case_id) const {
  if (staged_of(case_id)) return true;
  if (!index_) return !ledger_->case_events(case_id).empty();
  return !fetched_events(case_id).empty();
}

std::vector<std::string> Journal::case_ids() const {
  std::vector<std::string> ids = index_ ? index_->case_ids() : ledger_->case_ids();
  for (const auto& a : staged_) ids.push_back(a->event().case_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::vector<const StoredEvent*> Journal::case_events(const std::string& case_id) const {
  std::vector<const StoredEvent*> out;
  if (index_) {
    for (const auto& e : fetched_events(case_id)) out.push_back(&e);
  } else {
    out = ledger_->case_events(case_id);
  }
  if (const auto* staged = staged_of(case_id)) out.insert(out.end(), staged->begin(), staged->end());
  return out;
}

void Journal::index(const StoredEvent& e) {
  Indexes& ix = *indexes_;
  if (const std::string* key = e.event.find("key")) ix.keys.emplace(*key, &e);
  if (e.event.action == "refund")
    if (const std::string* ref = e.event.find("ref")) ix.refunds.emplace(*ref, &e);
  if (e.event.action == "open")
    if (const std::string* ext = e.event.find("ext")) ix.exts.emplace(*ext, &e);
}

void Journal::expect(std::size_t events) {
  if (index_) index_->expect_lookups(events);  // each row asks about a case, a key, or both
  expected_ = staged_.size() + events;
  staged_.reserve(expected_);
  staged_by_case_.reserve(expected_);
  if (indexes_) indexes_->keys.reserve(indexes_->keys.size() + events);
}

Journal::Indexes& Journal::indexes() {
  if (!indexes_) {
    indexes_.emplace();
    indexes_->keys.reserve(expected_);
    if (ledger_)
      for (const auto& e : ledger_->events) index(e);
    for (const auto& a : staged_) index(a->stored);
  }
  return *indexes_;
}

// The ledger first (its events come before this command's), then the staged events.
const StoredEvent* Journal::find(std::optional<StoredEvent> (LedgerIndex::*in_index)(std::string_view) const,
                                 std::unordered_map<std::string, const StoredEvent*> Indexes::*map,
                                 const std::string& value) {
  if (index_) {
    const auto& known = fetched_.answers.*map;
    if (auto it = known.find(value); it != known.end()) {
      if (it->second) return it->second;
    } else if (auto e = ((*index_).*in_index)(value)) {
      return &fetched_.events.emplace_back(std::move(*e));
    }
  }
  auto& m = indexes().*map;
  auto it = m.find(value);
  return it == m.end() ? nullptr : it->second;
}

const StoredEvent* Journal::find_key(const std::string& key) { return find(&LedgerIndex::find_key, &Indexes::keys, key); }

const StoredEvent* Journal::find_refund_ref(const std::string& ref) {
  return find(&LedgerIndex::find_refund_ref, &Indexes::refunds, ref);
}

const StoredEvent* Journal::find_ext(const std::string& ext) { return find(&LedgerIndex::find_ext, &Indexes::exts, ext); }

namespace {

// Each value once, without those already answered.
template <class Known>
std::vector<std::string_view> to_ask(const std::vector<std::string>& values, const Known& known) {
  std::vector<std::string_view> out;
  for (const auto& v : values)
    if (!known.contains(v)) out.push_back(v);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

namespace {

// Asks the index what `q` asks (each value once), and adds the answers to `into`.
void fetch_into(const LedgerIndex& index, const Journal::Questions& q, unsigned threads, Journal::Fetched& into) {
  auto ask = [&](LedgerIndex::Of of, std::unordered_map<std::string, const StoredEvent*> Journal::Indexes::*map,
                 const std::vector<std::string>& values) {
    auto& known = into.answers.*map;
    std::vector<std::string_view> asked = to_ask(values, known);
    auto answers = index.lookup_many(of, asked, threads);
    for (std::size_t i = 0; i < asked.size(); ++i)
      known.emplace(std::string(asked[i]), answers[i].empty() ? nullptr : &into.events.emplace_back(std::move(answers[i].front())));
  };
  ask(LedgerIndex::Of::key, &Journal::Indexes::keys, q.keys);
  ask(LedgerIndex::Of::refund_ref, &Journal::Indexes::refunds, q.refund_refs);
  ask(LedgerIndex::Of::ext, &Journal::Indexes::exts, q.exts);
  std::vector<std::string> cases = q.cases;
  for (const auto& [ext, e] : into.answers.exts)
    if (e) cases.push_back(e->event.case_id);
  std::vector<std::string_view> asked = to_ask(cases, into.cases);
  auto answers = index.lookup_many(LedgerIndex::Of::case_events, asked, threads);
  for (std::size_t i = 0; i < asked.size(); ++i) into.cases.emplace(std::string(asked[i]), std::move(answers[i]));
}

}  // namespace

Journal::Fetched Journal::fetch(const Questions& q, unsigned threads) const {
  Fetched out;
  if (index_) fetch_into(*index_, q, threads, out);
  return out;
}

Journal::Fetched Journal::adopt(Fetched fetched) {
  last_fetched_ = nullptr;
  return std::exchange(fetched_, std::move(fetched));
}

void Journal::forget_fetched() {
  last_fetched_ = nullptr;
  fetched_ = {};
}

std::string Journal::next_case_id(const std::string& prefix, Instant opened) const {
  std::string day = date::format("%y%m%d", std::chrono::floor<date::days>(to_local(opened, zone_)));
  std::string stem = fmt::format("{}-{}-{}-", prefix, day, site_);
  std::uint32_t highest = 0;
  if (index_) {
    highest = index_->highest_counter(stem);
  } else {
    // Case ids sort by their stem, so the site's ids of the day sit together.
    const auto& events = ledger_->events;
    auto it = std::lower_bound(events.begin(), events.end(), stem,
                               [](const StoredEvent& e, const std::string& s) { return e.event.case_id < s; });
    for (; it != events.end() && it->event.case_id.starts_with(stem); ++it)
      if (auto id = parse_case_id(it->event.case_id)) highest = std::max(highest, id->counter);
  }
  for (const auto& a : staged_)
    if (a->event().case_id.starts_with(stem))
      if (auto id = parse_case_id(a->event().case_id)) highest = std::max(highest, id->counter);
  return format_case_id({prefix, day, site_, highest + 1});
}

std::shared_ptr<const Appended> Journal::stage(Draft d) {
  std::uint32_t head_seq = 0;
  std::vector<std::string_view> head_hashes;  // of events that live through this call
  for (const StoredEvent* e : case_events(d.case_id)) {
    if (e->event.seq > head_seq) {
      head_seq = e->event.seq;
      head_hashes.clear();
    }
    if (e->event.seq == head_seq &&
        std::find(head_hashes.begin(), head_hashes.end(), e->event.hash) == head_hashes.end())
      head_hashes.push_back(e->event.hash);
  }
  std::string previous(kZeroHash);
  if (d.action == "open") {
    if (head_seq != 0)
      throw Error(ErrorKind::conflict, "case " + d.case_id, "already exists",
                  "open gives every case a new id; act on the existing case instead");
  } else {
    if (head_seq == 0)
      throw Error(ErrorKind::not_found, "case " + d.case_id, "is not in the ledger",
                  "check the id (`rma list`); `rma open` creates a case");
    if (d.chain_from) {
      previous = *d.chain_from;
    } else if (head_hashes.size() > 1) {
      throw Error(ErrorKind::conflict, "case " + d.case_id,
                  fmt::format("has a fork: {} different events with seq {}", head_hashes.size(), head_seq),
                  "decide which stands with `rma resolve " + d.case_id + " --keep HASH --why TEXT`");
    } else {
      previous = std::string(head_hashes.front());
    }
  }
  auto staged = std::make_shared<Appended>();
  StoredEvent& stored = staged->stored;
  Event& e = stored.event;
  e.recorded = d.recorded;
  e.case_id = std::move(d.case_id);
  e.seq = head_seq + 1;
  e.action = std::move(d.action);
  e.fields = std::move(d.fields);
  e.by = std::move(d.by);
  stored.body = seal_body(e, previous);  // the " h=<hash>" and LF are added when written (line())
  if (staged->line_size() > kMaxLineBytes)
    throw Error(ErrorKind::usage, "event for " + e.case_id, "would be longer than 64 KiB",
                "shorten the free text");
  if (e.recorded != file_of_.first || !file_of_.second)  // a batch's events share their time
    file_of_ = {e.recorded, std::make_shared<const std::string>(
                                ledger_file_for(site_, format_date(e.recorded, zone_).substr(0, 7)))};  // YYYY-MM, local
  staged->file = file_of_.second;
  stored.file = 0;
  stored.line = 0;
  stored.when = event_time(e);
  see(*staged);
  return staged_.emplace_back(std::move(staged));
}

void Journal::see(const Appended& staged) {
  const StoredEvent& stored = staged.stored;
  auto& of_case = *staged_by_case_.try_emplace(std::string_view(stored.event.case_id)).first;
  of_case.second.push_back(&stored);
  last_staged_ = &of_case;
  last_staged_id_ = stored.event.case_id;
  if (indexes_) index(stored);
}

AppendOutcome Journal::commit(bool dry_run) {
  AppendOutcome outcome;
  outcome.events.assign(staged_.begin() + static_cast<std::ptrdiff_t>(written_), staged_.end());
  if (dry_run) {
    // Nothing was written: what was staged since the last commit goes out of view.
    staged_by_case_.clear();  // before the events its keys point into go
    staged_.resize(written_);
    last_staged_ = nullptr;
    last_staged_id_.reset();
    indexes_.reset();
    for (const auto& a : staged_) see(*a);
    return outcome;
  }
  // Counted as written before the writes: should one fail, the command ends with the error,
  // and a journal that tried again would append twice what was written before it.
  written_ = staged_.size();
  // Each file's lines in the order staged, sized first so that each is built in one piece.
  struct FileLines {
    std::string_view file;
    std::size_t size = 0;
    std::string lines;
  };
  std::vector<FileLines> bytes;                     // in the order first staged
  std::map<std::string_view, std::uint32_t> files;  // file -> index in bytes
  std::vector<std::uint32_t> slot(outcome.events.size());  // each event's
  for (std::size_t i = 0; i < outcome.events.size(); ++i) {
    const std::string& file = *outcome.events[i]->file;
    // Events in a row mostly go to one file: the one before's is compared first.
    if (i > 0 && file == bytes[slot[i - 1]].file) {
      slot[i] = slot[i - 1];
    } else {
      auto [it, added] = files.try_emplace(file, static_cast<std::uint32_t>(bytes.size()));
      if (added) bytes.push_back(FileLines{file, 0, std::string()});
      slot[i] = it->second;
    }
    bytes[slot[i]].size += outcome.events[i]->line_size();
  }
  for (auto& f : bytes) f.lines.reserve(f.size);
  for (std::size_t i = 0; i < outcome.events.size(); ++i) outcome.events[i]->append_line_to(bytes[slot[i]].lines);
  for (const auto& f : bytes) {
    AppendResult r = append_lines(root_, std::string(f.file), f.lines);
    outcome.warnings.insert(outcome.warnings.end(), r.warnings.begin(), r.warnings.end());
  }
  return outcome;
}

AppendOutcome Journal::append(std::vector<Draft> drafts, bool dry_run) {
  for (auto& d : drafts) stage(std::move(d));
  return commit(dry_run);
}

}  // namespace rma
