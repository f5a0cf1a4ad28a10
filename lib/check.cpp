#include "check.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <thread>

#include "text.hpp"

namespace rma {

std::size_t CheckReport::count(Severity s) const {
  return static_cast<std::size_t>(
      std::count_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.severity == s; }));
}

namespace {

// Points at the event's h= field, where a broken chain shows.
SourceLocation where_of(const Ledger& ledger, const StoredEvent& e) {
  std::string text = e.body + " h=" + e.event.hash;
  return {ledger.files[e.file], static_cast<int>(e.line), column_of(text, e.body.size() + 1), text};
}

// Checks one case: the events in seq order (several per seq where there is a fork).
void check_case(const Ledger& ledger, const std::vector<const StoredEvent*>& events,
                std::vector<Finding>& out) {
  const std::string& id = events.front()->event.case_id;
  std::map<std::uint32_t, std::vector<const StoredEvent*>> by_seq;
  for (const auto* e : events) by_seq[e->event.seq].push_back(e);

  // Hashes discarded by a resolve event: those forks are settled.
  std::vector<std::string> discarded;
  for (const auto* e : events) {
    if (e->event.action != "resolve") continue;
    std::string list = e->event.get("discard");  // comma-separated: a fork may have more than two branches
    for (std::size_t pos = 0; pos <= list.size();) {
      std::size_t comma = std::min(list.find(',', pos), list.size());
      if (comma > pos) discarded.push_back(list.substr(pos, comma - pos));
      pos = comma + 1;
    }
  }

  std::uint32_t expected = 1;
  const std::vector<const StoredEvent*>* previous = nullptr;
  for (const auto& [seq, group] : by_seq) {
    if (seq != expected) {
      const StoredEvent* first = group.front();
      out.push_back({"gap", Severity::finding, where_of(ledger, *first), id, seq,
                     expected + 1 == seq
                         ? fmt::format("case {} has no event {}: seq jumps from {} to {}", id, expected,
                                       expected - 1, seq)
                         : fmt::format("case {} has no events {} to {}", id, expected, seq - 1),
                     "a line was deleted or lost; restore it from git (`rma audit` shows where)"});
      previous = nullptr;  // the chain cannot be followed across a gap
    }
    expected = seq + 1;

    // Exact duplicates (the same line twice) and forks (different lines, one seq).
    std::vector<const StoredEvent*> distinct;
    for (const auto* e : group) {
      auto same = std::find_if(distinct.begin(), distinct.end(),
                               [&](const StoredEvent* d) { return d->body == e->body && d->event.hash == e->event.hash; });
      if (same != distinct.end()) {
        out.push_back({"duplicate-event", Severity::finding, where_of(ledger, *e), id, seq,
                       fmt::format("event {} of case {} appears twice (also at {})", seq, id,
                                   ledger.location(**same)),
                       "a line was copied; remove the copy that is not in git history"});
        continue;
      }
      distinct.push_back(e);
    }
    if (distinct.size() > 1) {
      std::string places;
      for (const auto* d : distinct) places += (places.empty() ? "" : ", ") + ledger.location(*d);
      if (seq == 1) {
        out.push_back({"duplicate-case", Severity::finding, where_of(ledger, *distinct[1]), id, seq,
                       fmt::format("case id {} was opened {} times ({})", id, distinct.size(), places),
                       "two clones share a site code; give each clone its own code in .rma/site"});
      } else {
        std::size_t settled = static_cast<std::size_t>(std::count_if(distinct.begin(), distinct.end(), [&](const StoredEvent* d) {
          return std::find(discarded.begin(), discarded.end(), d->event.hash) != discarded.end();
        }));
        if (settled + 1 < distinct.size())
          out.push_back({"fork", Severity::finding, where_of(ledger, *distinct[1]), id, seq,
                         fmt::format("fork: case {} has {} different events with seq {} ({})", id,
                                     distinct.size(), seq, places),
                         fmt::format("two sites acted on the case at once; decide which stands and run "
                                     "`rma resolve {} --keep HASH --why TEXT`",
                                     id)});
      }
    }

    for (const auto* e : distinct) {
      bool ok = false;
      if (seq == 1) {
        ok = chain_hash(kZeroHash, e->body) == e->event.hash;
      } else if (e->event.action == "resolve") {
        // A resolve continues the chain from the kept branch, wherever that branch ends.
        for (const auto* p : events)
          if (p->event.seq < seq) ok = ok || chain_hash(p->event.hash, e->body) == e->event.hash;
      } else if (previous) {
        for (const auto* p : *previous) ok = ok || chain_hash(p->event.hash, e->body) == e->event.hash;
      } else {
        continue;  // after a gap there is nothing to chain to; the gap is the finding
      }
      if (!ok)
        out.push_back({"chain", Severity::finding, where_of(ledger, *e), id, seq,
                       fmt::format("hash chain broken at event {} of case {}: the line was changed after it "
                                   "was written (or an earlier event of the case was)",
                                   seq, id),
                       "compare the file with git history (`git diff`, `rma audit`) and restore the original line"});
      if (seq == 1 && e->event.action != "open")
        out.push_back({"format", Severity::finding, where_of(ledger, *e), id, seq,
                       fmt::format("event 1 of case {} is '{}', not 'open'", id, e->event.action),
                       "every case starts with an open event"});
      if (!is_canonical_order(e->event))
        out.push_back({"key-order", Severity::warning, where_of(ledger, *e), id, seq,
                       fmt::format("keys of event {} of case {} are not in canonical order", seq, id),
                       "harmless: the hash covers the bytes as written; see rma-ledger(5) for the order"});
    }
    previous = &group;
  }
}

}  // namespace

CheckReport check_ledger(const Ledger& ledger) {
  CheckReport report;
  report.files = ledger.files.size();
  report.events = ledger.events.size();
  for (const auto& issue : ledger.issues) {
    Finding f;
    f.where = issue.where;
    f.message = issue.message;
    f.hint = issue.hint;
    switch (issue.kind) {
      case IssueKind::format: f.kind = "format"; break;
      case IssueKind::torn_tail: f.kind = "torn-tail"; break;
      case IssueKind::not_a_ledger:
        f.kind = "not-a-ledger";
        report.unreadable = true;
        break;
      case IssueKind::unreadable:
        f.kind = "unreadable";
        report.unreadable = true;
        break;
    }
    report.findings.push_back(std::move(f));
  }
  // Cases are independent: check them on every core, in slices of whole cases, and keep
  // the findings in case order.
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < ledger.events.size(); ++i)
    if (i == 0 || ledger.events[i].event.case_id != ledger.events[i - 1].event.case_id) starts.push_back(i);
  report.cases = starts.size();
  starts.push_back(ledger.events.size());
  std::size_t slices = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<std::vector<Finding>> found(slices);
  auto work = [&](std::size_t slice) {
    std::size_t cases = starts.size() - 1;
    std::vector<const StoredEvent*> group;
    for (std::size_t c = cases * slice / slices; c < cases * (slice + 1) / slices; ++c) {
      group.clear();
      for (std::size_t j = starts[c]; j < starts[c + 1]; ++j) group.push_back(&ledger.events[j]);
      check_case(ledger, group, found[slice]);
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < slices; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& t : pool) t.join();
  for (auto& f : found) report.findings.insert(report.findings.end(), std::make_move_iterator(f.begin()), std::make_move_iterator(f.end()));
  return report;
}

std::vector<std::string> repair_torn_tails(const boost::filesystem::path& root) {
  std::vector<std::string> moved;
  WorkspaceLock lock(root, lock_timeout());
  for (const auto& rel : list_ledger_files(root)) {
    try {
      if (auto q = quarantine_torn_tail(root, rel)) moved.push_back(fmt::format("{} -> {}", rel, *q));
    } catch (const Error&) {
      // A file that cannot be opened (a folder, a symlink) is reported by check itself.
    }
  }
  return moved;
}

}  // namespace rma
