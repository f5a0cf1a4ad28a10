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

// Sections: period, summary, sla, breaches, aging, reasons, categories, products, refunds,
// cost, cycle_times, satisfaction, groups (with group_by), refunds_by_day (for charts),
// and fail_on.breaches (what --fail-on breach counts).
nlohmann::json build_report(const Ledger& ledger, PolicyCache& policies, const ReportOptions& options, Zone zone);

}  // namespace rma
