// `rma report`: what an after-sales manager asks of the ledger, computed from replayed
// cases into one JSON document (money as strings) that the table, CSV and HTML renderers
// all read, so every format says the same numbers.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>

#include "cases.hpp"

namespace rma {

struct ReportOptions {
  std::optional<Instant> since, until;  // the period: cases opened, events happened in [since, until)
  Instant as_of{};                      // what the ledger knew then (cuts by `recorded`); the clock of SLA states
  std::string group_by;                 // "", site, operator, category, month
};

// Keeps the events recorded at or before `as_of` (what the ledger knew then).
Ledger ledger_as_of(const Ledger& ledger, Instant as_of);

struct ReportBreach {
  std::string case_id;
  std::string_view target;       // one of kSlaTargets (static)
  Instant due{};                 // the last allowed instant
  std::optional<Instant> stop;   // when the clock stopped, if it did
  double late_hours = 0;
  State state = State::opened;   // the case's
  std::size_t clock = 0;         // the clock's place among its case's, for a stable order
};

// A report: the document every format reads, with its breaches kept compact until they
// are written (at a large desk there are hundreds of thousands; as JSON objects they
// would take most of the memory a report needs).
class Report {
 public:
  // `runs`: the breaches, in parts in any order (each thread that tallied has one).
  Report(nlohmann::json sections, std::vector<std::vector<ReportBreach>> runs, Zone zone);
  Report(Report&&) = default;
  Report& operator=(Report&&) = default;
  Report(const Report&) = delete;  // breaches_ points into runs_
  Report& operator=(const Report&) = delete;
  // Sections: period, summary, sla, breaches, aging, reasons, categories, products,
  // refunds, cost, cycle_times, satisfaction, groups (with group_by), refunds_by_day (for
  // charts), and fail_on.breaches (what --fail-on breach counts).
  nlohmann::json document() const;
  // Writes document().dump(2) and a newline, a breach at a time, byte for byte the same.
  void write_json(std::FILE* out) const;
  std::size_t fail_on_breaches() const;

 private:
  nlohmann::json sections_;  // "breaches" is an empty array here
  std::vector<std::vector<ReportBreach>> runs_;
  std::vector<const ReportBreach*> breaches_;  // in report order: latest first; ties in case and clock order
  Zone zone_;
  nlohmann::json breach_json(const ReportBreach& b) const;
  void append_breach(std::string& out, const ReportBreach& b) const;
};

// Appends hours as the JSON library dumps a number (the shortest digits that read back as
// the same double; ".0" after a whole number), without the library for the tenths of an
// hour under 100,000 a report writes (report_test compares the two over every one).
void append_json_hours(std::string& out, double hours);

// The report of a ledger already read (cut with ledger_as_of where it holds later events).
Report build_report(const Ledger& ledger, PolicyCache& policies, const ReportOptions& options, Zone zone);

// The same, reading the workspace's files itself, a file at a time and twice: the first
// pass counts each case's lines (leaving out those recorded after options.as_of), the
// second gathers them in file order and replays a case as soon as its last line is read,
// so only the cases under way are held, and the report keeps only its tallies. Torn
// tails and files that cannot be read go to `issues`; lines that do not parse are
// skipped, as readers do. A file replaced between the passes (git pull, reset) makes it
// start again; Error(system) when that happens twice.
Report report_from_files(const boost::filesystem::path& root, PolicyCache& policies, const ReportOptions& options,
                         Zone zone, std::vector<LedgerIssue>& issues, const ProgressFn& progress = {},
                         const std::function<void()>& between_passes = {});  // for tests

}  // namespace rma
