// Instants (UTC, millisecond precision), time zones (IANA names through Howard Hinnant's
// date/tz over the system zoneinfo), and the TIME forms of DESIGN §6.
#pragma once

#include <date/tz.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace rma {

using Instant = std::chrono::sys_time<std::chrono::milliseconds>;
using LocalTime = date::local_time<std::chrono::milliseconds>;
using Millis = std::chrono::milliseconds;
using Zone = const date::time_zone*;

// The zone for an IANA name ("Asia/Shanghai"), or nullptr when there is none.
Zone find_zone(std::string_view name);

// "2026-11-23T03:38:30.123Z": the form of `recorded`.
std::string format_utc(Instant t);
// "2026-11-22T09:10:00+08:00" (milliseconds shown only when not zero): the form of `at`.
std::string format_rfc3339(Instant t, Zone zone);
// The same appended to `out` (a report writes two for each of its breaches).
void append_rfc3339(std::string& out, Instant t, Zone zone);
// "2026-11-27 10:00 +08:00": for people (seconds shown only when not zero).
std::string format_human(Instant t, Zone zone);
// "2026-11-27": the local date.
std::string format_date(Instant t, Zone zone);
// "2026-11-27": a day, as date::format("%F") writes it.
std::string format_day(date::local_days day);

// Parses the strict UTC form of `recorded` (fraction of a second optional).
std::optional<Instant> parse_utc(std::string_view text);

// Parses TIME: RFC 3339 with an offset or Z, "YYYY-MM-DD HH:MM[:SS]",
// "YYYY-MM-DDTHH:MM[:SS]" or "YYYY-MM-DD" (00:00), the last forms in `zone`.
// Throws Error(usage) for text of another form, a date that does not exist
// (2026-02-30), or a local time in a DST gap; a time in a DST overlap takes the earlier
// instant.
Instant parse_time(std::string_view text, Zone zone);

// A time as the ledger stores it in a value (RFC 3339 with an offset), or nullopt when the
// text is empty or malformed: readers of recorded events tolerate what check reports.
std::optional<Instant> parse_stored_time(std::string_view text);

// Local wall time in a zone to an instant. A time in a DST gap throws Error(usage) when
// `refuse_gap`, else moves forward past the gap; an ambiguous time takes the earlier one.
Instant to_instant(LocalTime local, Zone zone, bool refuse_gap);
LocalTime to_local(Instant t, Zone zone);

// "2 days 3 hours", "45 minutes", "12 seconds": an elapsed time for messages.
std::string describe_span(Millis span);

}  // namespace rma
