#include "check.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <deque>
#include <functional>
#include <span>
#include <tuple>

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
  std::string_view discard;  // resolve events: the hashes they discard, comma-separated
  std::uint32_t seq = 0, file = 0, line = 0;
  bool canonical = true;
};

// Cases are checked on every core, each thread taking the cases whose id hashes to its
// slice: grouping the events of a case then needs no step over all of them on one core.
std::size_t slice_of(std::string_view case_id, std::size_t slices) {
  return std::hash<std::string_view>{}(case_id) % slices;
}

// Each slice's events, in the order they were read (file, then line).
using Slices = std::vector<std::vector<const CheckEvent*>>;

struct Files {
  const std::vector<std::string>& names;
  std::string location(const CheckEvent& e) const { return fmt::format("{}:{}", names[e.file], e.line); }
  // Points at the event's h= field, where a broken chain shows.
  SourceLocation where_of(const CheckEvent& e) const {
    std::string text = fmt::format("{} h={}", e.body, e.hash);
    return {names[e.file], static_cast<int>(e.line), column_of(text, e.body.size() + 1), text};
  }
};

// Checks one case: its events in seq order (several per seq where there is a fork), those
// of one seq in the order they were read.
void check_case(const Files& ledger, std::span<const CheckEvent* const> events, std::vector<Finding>& out) {
  std::string_view id = events.front()->case_id;

  // Hashes discarded by a resolve event: those forks are settled.
  std::vector<std::string_view> discarded;
  for (const auto* e : events) {
    if (e->action != "resolve") continue;
    std::string_view list = e->discard;  // comma-separated: a fork may have more than two branches
    for (std::size_t pos = 0; pos <= list.size();) {
      std::size_t comma = std::min(list.find(',', pos), list.size());
      if (comma > pos) discarded.push_back(list.substr(pos, comma - pos));
      pos = comma + 1;
    }
  }

  std::uint32_t expected = 1;
  std::span<const CheckEvent* const> previous;  // empty at the start and after a gap
  std::vector<const CheckEvent*> distinct;
  for (std::size_t from = 0; from < events.size();) {
    std::uint32_t seq = events[from]->seq;
    std::size_t to = from;
    while (to < events.size() && events[to]->seq == seq) ++to;
    auto group = events.subspan(from, to - from);
    from = to;
    if (seq != expected) {
      const CheckEvent* first = group.front();
      out.push_back({"gap", Severity::finding, ledger.where_of(*first), std::string(id), seq,
                     expected + 1 == seq
                         ? fmt::format("case {} has no event {}: seq jumps from {} to {}", id, expected,
                                       expected - 1, seq)
                         : fmt::format("case {} has no events {} to {}", id, expected, seq - 1),
                     "a line was deleted or lost; restore it from git (`rma audit` shows where)"});
      previous = {};  // the chain cannot be followed across a gap
    }
    expected = seq + 1;

    // Exact duplicates (the same line twice) and forks (different lines, one seq).
    distinct.clear();
    for (const auto* e : group) {
      auto same = std::find_if(distinct.begin(), distinct.end(),
                               [&](const CheckEvent* d) { return d->body == e->body && d->hash == e->hash; });
      if (same != distinct.end()) {
        out.push_back({"duplicate-event", Severity::finding, ledger.where_of(*e), std::string(id), seq,
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
        out.push_back({"duplicate-case", Severity::finding, ledger.where_of(*distinct[1]), std::string(id), seq,
                       fmt::format("case id {} was opened {} times ({})", id, distinct.size(), places),
                       "two clones share a site code; give each clone its own code in .rma/site"});
      } else {
        std::size_t settled = static_cast<std::size_t>(std::count_if(distinct.begin(), distinct.end(), [&](const CheckEvent* d) {
          return std::find(discarded.begin(), discarded.end(), d->hash) != discarded.end();
        }));
        if (settled + 1 < distinct.size())
          out.push_back({"fork", Severity::finding, ledger.where_of(*distinct[1]), std::string(id), seq,
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
      } else if (!previous.empty()) {
        for (const auto* p : previous) ok = ok || chain_hash_matches(p->hash, e->body, e->hash);
      } else {
        continue;  // after a gap there is nothing to chain to; the gap is the finding
      }
      if (!ok)
        out.push_back({"chain", Severity::finding, ledger.where_of(*e), std::string(id), seq,
                       fmt::format("hash chain broken at event {} of case {}: the line was changed after it "
                                   "was written (or an earlier event of the case was)",
                                   seq, id),
                       "compare the file with git history (`git diff`, `rma audit`) and restore the original line"});
      if (seq == 1 && e->action != "open")
        out.push_back({"format", Severity::finding, ledger.where_of(*e), std::string(id), seq,
                       fmt::format("event 1 of case {} is '{}', not 'open'", id, e->action),
                       "every case starts with an open event"});
      if (!e->canonical)
        out.push_back({"key-order", Severity::warning, ledger.where_of(*e), std::string(id), seq,
                       fmt::format("keys of event {} of case {} are not in canonical order", seq, id),
                       "harmless: the hash covers the bytes as written; see rma-ledger(5) for the order"});
    }
    previous = group;
  }
}

// Everything after reading: issues of the files, then every case, on every core.
CheckReport check_events(const std::vector<std::string>& files, const std::vector<LedgerIssue>& issues,
                         const Slices& slices) {
  CheckReport report;
  report.files = files.size();
  for (const auto& slice : slices) report.events += slice.size();
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
  // Each thread groups and checks the cases of its slice; no case is in two slices.
  Files names{files};
  std::vector<std::vector<Finding>> found(slices.size());
  std::vector<std::size_t> cases(slices.size());
  on_threads(static_cast<unsigned>(slices.size()), [&](std::size_t s) {
    const auto& events = slices[s];
    std::vector<std::pair<std::string_view, std::uint32_t>> keys;
    keys.reserve(events.size());
    for (const auto* e : events) keys.emplace_back(e->case_id, e->seq);
    CaseOrder sorted = case_order(keys);
    cases[s] = sorted.starts.size() - 1;
    std::vector<const CheckEvent*> group;
    for (std::size_t c = 0; c < cases[s]; ++c) {
      group.clear();
      for (std::size_t j = sorted.starts[c]; j < sorted.starts[c + 1]; ++j) group.push_back(events[sorted.order[j]]);
      check_case(names, group, found[s]);
    }
  });
  // The findings of cases in case order, those of one case in the order found.
  std::vector<Finding> of_cases;
  for (std::size_t s = 0; s < slices.size(); ++s) {
    report.cases += cases[s];
    of_cases.insert(of_cases.end(), std::make_move_iterator(found[s].begin()), std::make_move_iterator(found[s].end()));
  }
  std::stable_sort(of_cases.begin(), of_cases.end(),
                   [](const Finding& a, const Finding& b) { return a.case_id < b.case_id; });
  report.findings.insert(report.findings.end(), std::make_move_iterator(of_cases.begin()),
                         std::make_move_iterator(of_cases.end()));
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
    events.push_back({e.event.case_id, e.event.action, e.event.hash, e.body, e.event.value("discard"), e.event.seq,
                      e.file, e.line, is_canonical_order(e.event)});
  // The ledger is in case order; each slice gets its events back in file and line order.
  std::vector<const CheckEvent*> read_order;
  read_order.reserve(events.size());
  for (const auto& e : events) read_order.push_back(&e);
  std::stable_sort(read_order.begin(), read_order.end(), [](const CheckEvent* a, const CheckEvent* b) {
    return std::tie(a->file, a->line) < std::tie(b->file, b->line);
  });
  Slices slices(worker_count());
  for (const auto* e : read_order) slices[slice_of(e->case_id, slices.size())].push_back(e);
  return check_events(ledger.files, ledger.issues, slices);
}

CheckReport check_files(const boost::filesystem::path& root, const ProgressFn& progress) {
  std::vector<std::string> files = list_ledger_files(root);
  std::size_t n = files.size();
  unsigned threads = worker_count();
  // Each file's bytes stay in memory: the events point into them, and nothing else of a
  // line is kept (but the discard list of a resolve, which may be quoted), so a million
  // events cost little more than the files themselves.
  struct FileEvents {
    std::string data;
    std::vector<LedgerIssue> issues;
    std::vector<std::vector<CheckEvent>> slices;
    std::deque<std::string> discards;  // stable: events point into them
  };
  std::vector<FileEvents> read(n);
  // One event per thread, parsed into again and again: its strings keep their storage.
  std::vector<Event> scratch(threads);
  on_each(
      n,
      [&](std::size_t i, unsigned thread) {
        auto fi = static_cast<std::uint32_t>(i);
        FileEvents& f = read[i];
        f.slices.resize(threads);
        Event& e = scratch[thread];
        scan_file(root, files[i], f.data, f.issues, e, [&](std::size_t body_length, std::string_view line, std::uint32_t line_no) {
          std::string_view discard;
          if (e.action == "resolve") discard = f.discards.emplace_back(e.get("discard"));
          std::string_view case_id = token(line, 1);
          f.slices[slice_of(case_id, threads)].push_back({case_id, token(line, 3), line.substr(line.size() - 32),
                                                          line.substr(0, body_length), discard, e.seq, fi, line_no,
                                                          is_canonical_order(e)});
        });
      },
      progress, 1, threads);
  std::vector<LedgerIssue> all_issues;
  Slices slices(threads);
  for (const auto& f : read) {
    all_issues.insert(all_issues.end(), f.issues.begin(), f.issues.end());
    for (std::size_t s = 0; s < f.slices.size(); ++s)
      for (const auto& e : f.slices[s]) slices[s].push_back(&e);
  }
  return check_events(files, all_issues, slices);
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
