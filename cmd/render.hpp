// Rendering cases, events and SLA clocks for readers: JSON objects with stable field
// names (nlohmann/json), CSV rows (libcsv's RFC 4180 quoting) and text for people.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "cases.hpp"

namespace rma::cli {

nlohmann::json event_json(const StoredEvent& e, const std::vector<std::string>* files, Zone zone);
nlohmann::json sla_json(const SlaStatus& s, Zone zone);
// A case's facts, deadlines and (with `history`) its events.
nlohmann::json case_json(const CaseView& v, Zone zone, const std::vector<std::string>* files, bool history);

// One CSV record, RFC 4180 quoting, CRLF-free (LF) line end.
void write_csv_row(std::FILE* out, const std::vector<std::string>& fields);

std::string money_text(const std::optional<Money>& m);
// "in 2 hours 5 minutes" / "3 hours late"
std::string due_text(const SlaStatus& s, Instant now);

}  // namespace rma::cli
