#include "check.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

#include "parallel.hpp"
#include "text.hpp"

namespace rma {

std::size_t CheckReport::count(Severity s) const {
  return static_cast<std::size_t>(
      std::count_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.severity == s; }));
}

namespace {

// What check needs of an event: views into the line as written (or into a StoredEvent).
struct CheckEvent {
  std::string_view case_id, action, hash, body;
  std::string discard;  // resolve events: the hashes they discard, comma-separated
  std::uint32_t seq = 0, file = 0, line = 0;
  bool canonical = true;
};

CheckEvent check_event(const Event& e, std::string_view case_id, std::string_view action, std::string_view hash,
                       std::string_view body, std::uint32_t file, std::uint32_t line) {
  CheckEvent c{case_id, action, hash, body, {}, e.seq, file, line, is_canonical_order(e)};
  if (e.action == "resolve") c.discard = e.get("discard");
  return c;
}

struct Files {
  const std::vector<std::string>& names;
  std::string location(const CheckEvent& e) const { return fmt::format("{}:{}", names[e.file], e.line); }
  // Points at the event's h= field, where a broken chain shows.
  SourceLocation where_of(const CheckEvent& e) const {
    std::string text = fmt::format("{} h={}", e.body, e.hash);
    return {names[e.file], static_cast<int>(e.line), column_of(text, e.body.size() + 1), text};
  }
};

// Checks one case: the events in seq order (several per seq where there is a fork).
void check_case(const Files& ledger, const std::vector<const CheckEvent*>& events, std::vector<Finding>& out) {
  std::string id(events.front()->case_id);
  std::map<std::uint32_t, std::vector<const CheckEvent*>> by_seq;
  for (const auto* e : events) by_seq[e->seq].push_back(e);

  // Hashes discarded by a resolve event: those forks are settled.
  std::vector<std::string> discarded;
  for (const auto* e : events) {
    if (e->action != "resolve") continue;
    const std::string& list = e->discard;  // comma-separated: a fork may have more than two branches
    for (std::size_t pos = 0; pos <= list.size();) {
      std::size_t comma = std::min(list.find(',', pos), list.size());
      if (comma > pos) discarded.push_back(list.substr(pos, comma - pos));
      pos = comma + 1;
    }
  }

  std::uint32_t expected = 1;
  const std::vector<const CheckEvent*>* previous = nullptr;
  for (const auto& [seq, group] : by_seq) {
    if (seq != expected) {
      const CheckEvent* first = group.front();
      out.push_back({"gap", Severity::finding, ledger.where_of(*first), id, seq,
                     expected + 1 == seq
                         ? fmt::format("case {} has no event {}: seq jumps from {} to {}", id, expected,
                                       expected - 1, seq)
                         : fmt::format("case {} has no events {} to {}", id, expected, seq - 1),
                     "a line was deleted or lost; restore it from git (`rma audit` shows where)"});
      previous = nullptr;  // the chain cannot be followed across a gap
    }
    expected = seq + 1;

    // Exact duplicates (the same line twice) and forks (different lines, one seq).
    std::vector<const CheckEvent*> distinct;
    for (const auto* e : group) {
      auto same = std::find_if(distinct.begin(), distinct.end(),
                               [&](const CheckEvent* d) { return d->body == e->body && d->hash == e->hash; });
      if (same != distinct.end()) {
        out.push_back({"duplicate-event", Severity::finding, ledger.where_of(*e), id, seq,
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
        out.push_back({"duplicate-case", Severity::finding, ledger.where_of(*distinct[1]), id, seq,
                       fmt::format("case id {} was opened {} times ({})", id, distinct.size(), places),
                       "two clones share a site code; give each clone its own code in .rma/site"});
      } else {
        std::size_t settled = static_cast<std::size_t>(std::count_if(distinct.begin(), distinct.end(), [&](const CheckEvent* d) {
          return std::find(discarded.begin(), discarded.end(), d->hash) != discarded.end();
        }));
        if (settled + 1 < distinct.size())
          out.push_back({"fork", Severity::finding, ledger.where_of(*distinct[1]), id, seq,
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
        ok = chain_hash_matches(kZeroHash, e->body, e->hash);
      } else if (e->action == "resolve") {
        // A resolve continues the chain from the kept branch, wherever that branch ends.
        for (const auto* p : events)
          if (p->seq < seq) ok = ok || chain_hash_matches(p->hash, e->body, e->hash);
      } else if (previous) {
        for (const auto* p : *previous) ok = ok || chain_hash_matches(p->hash, e->body, e->hash);
      } else {
        continue;  // after a gap there is nothing to chain to; the gap is the finding
      }
      if (!ok)
        out.push_back({"chain", Severity::finding, ledger.where_of(*e), id, seq,
                       fmt::format("hash chain broken at event {} of case {}: the line was changed after it "
                                   "was written (or an earlier event of the case was)",
                                   seq, id),
                       "compare the file with git history (`git diff`, `rma audit`) and restore the original line"});
      if (seq == 1 && e->action != "open")
        out.push_back({"format", Severity::finding, ledger.where_of(*e), id, seq,
                       fmt::format("event 1 of case {} is '{}', not 'open'", id, e->action),
                       "every case starts with an open event"});
      if (!e->canonical)
        out.push_back({"key-order", Severity::warning, ledger.where_of(*e), id, seq,
                       fmt::format("keys of event {} of case {} are not in canonical order", seq, id),
                       "harmless: the hash covers the bytes as written; see rma-ledger(5) for the order"});
    }
    previous = &group;
  }
}

// Everything after reading: issues of the files, then every case, on every core.
CheckReport check_events(const std::vector<std::string>& files, const std::vector<LedgerIssue>& issues,
                         const std::vector<const CheckEvent*>& events) {
  CheckReport report;
  report.files = files.size();
  report.events = events.size();
  for (const auto& issue : issues) {
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
  std::vector<std::pair<std::string_view, std::uint32_t>> keys;
  keys.reserve(events.size());
  for (const auto* e : events) keys.emplace_back(e->case_id, e->seq);
  // Named, not a structured binding: lambdas below use them (clang 14 cannot capture bindings).
  CaseOrder sorted = case_order(keys);
  const auto& order = sorted.order;
  const auto& starts = sorted.starts;
  report.cases = starts.size() - 1;
  // Cases are independent: check them on every core, in slices of whole cases, and keep
  // the findings in case order.
  Files names{files};
  unsigned slices = worker_count();
  std::vector<std::vector<Finding>> found(slices);
  on_threads(slices, [&](std::size_t slice) {
    std::size_t cases = starts.size() - 1;
    std::vector<const CheckEvent*> group;
    for (std::size_t c = cases * slice / slices; c < cases * (slice + 1) / slices; ++c) {
      group.clear();
      for (std::size_t j = starts[c]; j < starts[c + 1]; ++j) group.push_back(events[order[j]]);
      check_case(names, group, found[slice]);
    }
  });
  for (auto& f : found) report.findings.insert(report.findings.end(), std::make_move_iterator(f.begin()), std::make_move_iterator(f.end()));
  return report;
}

// The n-th space-separated token of a line.
std::string_view token(std::string_view line, int n) {
  std::size_t pos = 0;
  for (int i = 0; i < n; ++i) pos = line.find(' ', pos) + 1;
  return line.substr(pos, line.find(' ', pos) - pos);
}

}  // namespace

CheckReport check_ledger(const Ledger& ledger) {
  std::vector<CheckEvent> events;
  events.reserve(ledger.events.size());
  for (const auto& e : ledger.events)
    events.push_back(check_event(e.event, e.event.case_id, e.event.action, e.event.hash, e.body, e.file, e.line));
  std::vector<const CheckEvent*> pointers;
  for (const auto& e : events) pointers.push_back(&e);
  return check_events(ledger.files, ledger.issues, pointers);
}

CheckReport check_files(const boost::filesystem::path& root, const ProgressFn& progress) {
  std::vector<std::string> files = list_ledger_files(root);
  std::size_t n = files.size();
  // Each file's bytes stay in memory: the events point into them, and nothing else of a
  // line is kept, so a million events cost little more than the files themselves.
  std::vector<std::string> data(n);
  std::vector<std::vector<LedgerIssue>> issues(n);
  std::vector<std::vector<CheckEvent>> events(n);
  on_each(
      n,
      [&](std::size_t i) {
        auto fi = static_cast<std::uint32_t>(i);
        scan_file(root, files[i], data[i], issues[i], [&](ParsedLine&& parsed, std::string_view line, std::uint32_t line_no) {
          events[i].push_back(check_event(parsed.event, token(line, 1), token(line, 3), line.substr(line.size() - 32),
                                          line.substr(0, parsed.body_length), fi, line_no));
        });
      },
      progress);
  std::vector<LedgerIssue> all_issues;
  std::vector<const CheckEvent*> all;
  for (std::size_t i = 0; i < n; ++i) {
    all_issues.insert(all_issues.end(), issues[i].begin(), issues[i].end());
    for (const auto& e : events[i]) all.push_back(&e);
  }
  return check_events(files, all_issues, all);
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
