// Durations (30m, 48h, 7d, 1bd, 4bh) and business calendars: the arithmetic every window
// and SLA deadline depends on. Exact to the millisecond across nights, weekends, holidays,
// make-up workdays, lunch breaks, DST changes and year ends.
//
//   m, h  exact elapsed time
//   d     the same local clock time N calendar days later in the calendar's zone
//   bh    business time only: the clock runs inside the business-hour ranges of workdays
//   bd    the same business time of day N business days later (an instant outside business
//         hours first moves to the next opening)
//
// With end-of-day counting (PRC civil-law style, for windows only), counting starts the
// day after the start instant and a `d` period ends at 24:00 of its last day; a `bd`
// period ends at the close of the Nth business day after the start day.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "instant.hpp"

namespace rma {

enum class DurationUnit { minutes, hours, days, business_hours, business_days };

struct Duration {
  std::int64_t amount = 0;
  DurationUnit unit = DurationUnit::hours;

  // "30m", "48h", "7d", "1bd", "4bh"; Error(usage) with what was expected otherwise.
  static Duration parse(std::string_view text);
  std::string str() const;
  bool is_business() const { return unit == DurationUnit::business_hours || unit == DurationUnit::business_days; }
  bool operator==(const Duration&) const = default;
};

enum class Counting { exact, end_of_day };

// A point in time something must happen by. End-of-day deadlines are exclusive (24:00 is
// the first instant of the next day); all others are inclusive to the millisecond.
struct Deadline {
  Instant at{};
  bool inclusive = true;
  bool allows(Instant t) const { return inclusive ? t <= at : t < at; }
  // The last allowed instant, for showing to people.
  Instant last() const { return inclusive ? at : at - Millis(1); }
};

class Calendar {
 public:
  Calendar() = default;
  // workdays: bit 0 = Sunday ... bit 6 = Saturday. hours: [start, end) minutes after local
  // midnight, sorted, not overlapping, end up to 1440. holidays and extra_workdays: local
  // dates as days since the epoch.
  Calendar(Zone zone, unsigned workdays, std::vector<std::pair<int, int>> hours,
           std::set<std::int32_t> holidays, std::set<std::int32_t> extra_workdays);

  Zone zone() const { return zone_; }
  bool is_workday(date::local_days day) const;
  // The business intervals of a local day, as instants, in order. The reference stays valid
  // until this thread's next call (the days are remembered, and forgotten in bulk).
  const std::vector<std::pair<Instant, Instant>>& intervals(date::local_days day) const;

  // The instant itself when it is inside business hours, else the next opening.
  Instant next_opening(Instant t) const;
  // Business time in [a, b).
  Millis business_between(Instant a, Instant b) const;
  // The instant when `amount` of business time has passed after `t`.
  Instant add_business_time(Instant t, Millis amount) const;
  // The same business time of day `n` business days later.
  Instant add_business_days(Instant t, std::int64_t n) const;

  // A window or target of `d` starting at `start`.
  Deadline deadline(Instant start, Duration d, Counting counting = Counting::exact) const;

 private:
  date::local_days local_day(Instant t) const;
  date::local_days next_workday(date::local_days day) const;  // strictly after `day`

  std::vector<std::pair<Instant, Instant>> compute_intervals(date::local_days day) const;

  std::uint64_t id_ = 0;  // names this calendar's content (copies share it) for the memo of intervals
  Zone zone_ = nullptr;
  unsigned workdays_ = 0;
  std::vector<std::pair<int, int>> hours_;
  std::set<std::int32_t> holidays_;
  std::set<std::int32_t> extra_workdays_;
};

}  // namespace rma
