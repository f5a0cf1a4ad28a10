// `rma report`: what an after-sales manager asks of the ledger, computed from replayed
// cases into one JSON document (money as strings) that the table, CSV and HTML renderers
// all read, so every format says the same numbers.
#pragma once

#include <nlohmann/json.hpp>

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

// A case as the report reads it: its view at --as-of, and the times it takes from the
// events (which are gone: the view's event pointers are cleared).
struct ReportCase : CaseView {
  std::vector<Instant> closes;         // when each close happened, in seq order
  std::optional<Instant> refund_done;  // the refund that first completed the amount owed
};
ReportCase report_case(CaseView v);

// Sections: period, summary, sla, breaches, aging, reasons, categories, products, refunds,
// cost, cycle_times, satisfaction, groups (with group_by), refunds_by_day (for charts),
// and fail_on.breaches (what --fail-on breach counts).
nlohmann::json build_report(const std::vector<ReportCase>& cases, const ReportOptions& options, Zone zone);
// The same of a ledger already read (cut with ledger_as_of where it holds later events).
nlohmann::json build_report(const Ledger& ledger, PolicyCache& policies, const ReportOptions& options, Zone zone);
// The same, reading the workspace's files itself: a first pass notes where each case's
// lines are (leaving out those recorded after options.as_of), a second replays the cases
// one by one, so no more than a few cases' events are held at once. Torn tails and files
// that cannot be read go to `issues`; lines that do not parse are skipped, as readers do.
nlohmann::json report_from_files(const boost::filesystem::path& root, PolicyCache& policies, const ReportOptions& options,
                                 Zone zone, std::vector<LedgerIssue>& issues, const ProgressFn& progress = {});

}  // namespace rma
