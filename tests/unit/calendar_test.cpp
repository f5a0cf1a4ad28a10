// Business-time arithmetic, checked against answers worked out by hand with a wall
// calendar (weekdays of 2026 verified separately). China: Asia/Shanghai, Mon-Fri,
// 09:00-12:00 and 13:30-18:00, the 2026 public holidays and make-up workdays as the State
// Council announced them.
#include <doctest/doctest.h>

#include "error.hpp"
#include "policy.hpp"

using namespace rma;

namespace {

const char* kChina = R"(
[policy]
id = "cn"
version = 1
timezone = "Asia/Shanghai"
currency = "CNY"
[reasons]
quality = ["defect"]
other = ["changed-mind"]
[calendar]
workdays = ["mon", "tue", "wed", "thu", "fri"]
hours = ["09:00-12:00", "13:30-18:00"]
holidays = ["2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
            "2026-02-20", "2026-02-23", "2026-04-06", "2026-05-01", "2026-05-04", "2026-05-05",
            "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06",
            "2026-10-07", "2027-01-01"]
extra_workdays = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
)";

const char* kNewYork = R"(
[policy]
id = "us"
version = 1
timezone = "America/New_York"
currency = "USD"
[reasons]
other = ["changed-mind"]
[calendar]
workdays = ["mon", "tue", "wed", "thu", "fri"]
hours = ["09:00-17:00"]
)";

const char* kAlways = R"(
[policy]
id = "always"
version = 1
timezone = "UTC"
currency = "USD"
[reasons]
other = ["other"]
[calendar]
workdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["00:00-24:00"]
)";

const Calendar& calendar(const char* which) {
  static const Policy cn = parse_policy("cn.toml", kChina);
  static const Policy us = parse_policy("us.toml", kNewYork);
  static const Policy always = parse_policy("always.toml", kAlways);
  std::string_view w = which;
  return w == "cn" ? cn.calendar : w == "us" ? us.calendar : always.calendar;
}

struct Row {
  const char* what;
  const char* calendar;
  const char* start;  // local time in the calendar's zone, or RFC 3339
  const char* duration;
  const char* counting;  // "exact" or "eod"
  const char* expected;  // RFC 3339 with offset
  bool inclusive;
};

const Row kRows[] = {
    // business days, China
    {"Friday 17:30 + 1bd", "cn", "2026-11-20 17:30", "1bd", "exact", "2026-11-23T17:30:00+08:00", true},
    {"Monday morning + 1bd", "cn", "2026-11-23 10:00", "1bd", "exact", "2026-11-24T10:00:00+08:00", true},
    {"request arriving at lunch moves to 13:30", "cn", "2026-11-23 12:30", "1bd", "exact", "2026-11-24T13:30:00+08:00", true},
    {"at closing time 18:00 counts from the next opening", "cn", "2026-11-23 18:00", "1bd", "exact", "2026-11-25T09:00:00+08:00", true},
    {"before opening", "cn", "2026-11-23 07:00", "1bd", "exact", "2026-11-24T09:00:00+08:00", true},
    {"on a Saturday", "cn", "2026-11-21 10:00", "1bd", "exact", "2026-11-24T09:00:00+08:00", true},
    {"Friday 17:30 + 3bd", "cn", "2026-11-20 17:30", "3bd", "exact", "2026-11-25T17:30:00+08:00", true},
    {"Golden Week: Sept 30 + 1bd", "cn", "2026-09-30 17:00", "1bd", "exact", "2026-10-08T17:00:00+08:00", true},
    {"Golden Week then a make-up Saturday", "cn", "2026-09-30 17:00", "3bd", "exact", "2026-10-10T17:00:00+08:00", true},
    {"Friday before a make-up Saturday", "cn", "2026-10-09 10:00", "1bd", "exact", "2026-10-10T10:00:00+08:00", true},
    {"make-up Saturday to Monday", "cn", "2026-10-10 10:00", "1bd", "exact", "2026-10-12T10:00:00+08:00", true},
    {"Dec 31 to a make-up Sunday, Jan 4", "cn", "2025-12-31 15:00", "1bd", "exact", "2026-01-04T15:00:00+08:00", true},
    {"Dec 31 2026 over New Year 2027", "cn", "2026-12-31 15:00", "1bd", "exact", "2027-01-04T15:00:00+08:00", true},
    {"holiday on a Friday next to the weekend", "cn", "2026-06-18 10:00", "1bd", "exact", "2026-06-22T10:00:00+08:00", true},
    {"holiday on a Monday after the weekend", "cn", "2026-04-03 16:00", "1bd", "exact", "2026-04-07T16:00:00+08:00", true},
    {"Spring Festival: Friday to make-up Saturday", "cn", "2026-02-13 11:00", "1bd", "exact", "2026-02-14T11:00:00+08:00", true},
    {"Spring Festival: make-up Saturday over nine days off", "cn", "2026-02-14 11:00", "1bd", "exact", "2026-02-24T11:00:00+08:00", true},
    {"7 working days over Golden Week", "cn", "2026-09-28 10:00", "7bd", "exact", "2026-10-13T10:00:00+08:00", true},
    // business hours, China
    {"2bh in the morning", "cn", "2026-11-23 09:00", "2bh", "exact", "2026-11-23T11:00:00+08:00", true},
    {"2bh across lunch", "cn", "2026-11-23 11:00", "2bh", "exact", "2026-11-23T14:30:00+08:00", true},
    {"2bh starting at lunch", "cn", "2026-11-23 12:15", "2bh", "exact", "2026-11-23T15:30:00+08:00", true},
    {"2bh across the weekend", "cn", "2026-11-20 17:00", "2bh", "exact", "2026-11-23T10:00:00+08:00", true},
    {"1bh after closing on Friday", "cn", "2026-11-20 18:30", "1bh", "exact", "2026-11-23T10:00:00+08:00", true},
    {"1bh ending exactly at closing", "cn", "2026-11-20 17:00", "1bh", "exact", "2026-11-20T18:00:00+08:00", true},
    {"8bh: a whole day and half an hour", "cn", "2026-11-23 09:00", "8bh", "exact", "2026-11-24T09:30:00+08:00", true},
    {"2bh over Golden Week", "cn", "2026-09-30 17:30", "2bh", "exact", "2026-10-08T10:30:00+08:00", true},
    {"2bh over New Year", "cn", "2026-12-31 17:00", "2bh", "exact", "2027-01-04T10:00:00+08:00", true},
    {"30m is clock time", "cn", "2026-11-21 23:50", "30m", "exact", "2026-11-22T00:20:00+08:00", true},
    // New York, DST
    {"US spring forward: 2bh over the weekend", "us", "2026-03-06 16:00", "2bh", "exact", "2026-03-09T10:00:00-04:00", true},
    {"US spring forward: 1bd", "us", "2026-03-06 16:00", "1bd", "exact", "2026-03-09T16:00:00-04:00", true},
    {"US: 7d keeps the wall clock across DST", "us", "2026-03-07 10:00", "7d", "exact", "2026-03-14T10:00:00-04:00", true},
    {"US fall back: 1bh over the weekend", "us", "2026-10-30 16:30", "1bh", "exact", "2026-11-02T09:30:00-05:00", true},
    {"US fall back: 2d keeps the wall clock", "us", "2026-10-31 10:00", "2d", "exact", "2026-11-02T10:00:00-05:00", true},
    {"US: 24h is elapsed time across DST", "us", "2026-03-07 12:00", "24h", "exact", "2026-03-08T13:00:00-04:00", true},
    // 24/7
    {"24/7 across midnight", "always", "2026-11-23T23:30:00Z", "1bh", "exact", "2026-11-24T00:30:00+00:00", true},
    {"24/7: no minute lost at midnight", "always", "2026-11-23T23:59:00Z", "2m", "exact", "2026-11-24T00:01:00+00:00", true},
    {"24/7 business minutes across midnight", "always", "2026-11-23T23:59:00Z", "1bh", "exact", "2026-11-24T00:59:00+00:00", true},
    {"24/7 across the year end", "always", "2026-12-31T23:00:00Z", "2bh", "exact", "2027-01-01T01:00:00+00:00", true},
    {"24/7 business day from late evening", "always", "2026-11-23T23:30:00Z", "1bd", "exact", "2026-11-24T23:30:00+00:00", true},
    // end-of-day counting
    {"end-of-day 7d ends at 24:00 of the 7th day after delivery", "cn", "2026-11-20 10:00", "7d", "eod", "2026-11-28T00:00:00+08:00", false},
    {"exact 7d ends at the same clock time", "cn", "2026-11-20 10:00", "7d", "exact", "2026-11-27T10:00:00+08:00", true},
    {"end-of-day 7bd ends at the close of the 7th business day", "cn", "2026-11-20 10:00", "7bd", "eod", "2026-12-01T18:00:00+08:00", true},
    {"end-of-day 7bd over Golden Week", "cn", "2026-09-28 10:00", "7bd", "eod", "2026-10-13T18:00:00+08:00", true},
    {"end-of-day does not change h", "cn", "2026-11-20 10:00", "48h", "eod", "2026-11-22T10:00:00+08:00", true},
};

}  // namespace

TEST_CASE("business-time arithmetic: hand-checked table") {
  for (const auto& row : kRows) {
    CAPTURE(row.what);
    const Calendar& cal = calendar(row.calendar);
    Instant start = parse_time(row.start, cal.zone());
    Deadline d = cal.deadline(start, Duration::parse(row.duration),
                              std::string_view(row.counting) == "eod" ? Counting::end_of_day : Counting::exact);
    CHECK(format_rfc3339(d.at, cal.zone()) == std::string(row.expected));
    CHECK(d.inclusive == row.inclusive);
  }
}

TEST_CASE("business time between two instants") {
  const Calendar& cn = calendar("cn");
  auto z = cn.zone();
  using std::chrono::hours;
  using std::chrono::minutes;
  CHECK(cn.business_between(parse_time("2026-11-20 17:00", z), parse_time("2026-11-23 10:00", z)) == hours(2));
  CHECK(cn.business_between(parse_time("2026-11-23 11:00", z), parse_time("2026-11-23 14:00", z)) == minutes(90));
  CHECK(cn.business_between(parse_time("2026-09-30 17:00", z), parse_time("2026-10-08 10:00", z)) == hours(2));
  CHECK(cn.business_between(parse_time("2026-11-23 14:00", z), parse_time("2026-11-23 11:00", z)) == minutes(0));
  const Calendar& always = calendar("always");
  CHECK(always.business_between(parse_time("2026-11-23T23:00:00Z", z), parse_time("2026-11-24T01:00:00Z", z)) == hours(2));
  // measuring is the inverse of adding
  Instant s = parse_time("2026-09-30 11:17", z);
  Instant e = cn.add_business_time(s, minutes(1000));
  CHECK(cn.business_between(s, e) == minutes(1000));
}

TEST_CASE("durations parse, print and refuse bad text") {
  CHECK(Duration::parse("30m").str() == "30m");
  CHECK(Duration::parse("48h") == Duration{48, DurationUnit::hours});
  CHECK(Duration::parse("7d").unit == DurationUnit::days);
  CHECK(Duration::parse("1bd").unit == DurationUnit::business_days);
  CHECK(Duration::parse("4bh").is_business());
  for (const char* bad : {"", "7", "d", "7x", "7 d", "-1d", "1.5h", "7D", "1000000d", "7dd"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(Duration::parse(bad), Error);
  }
}

TEST_CASE("a calendar with no business time is refused, not looped on forever") {
  const char* text = R"(
[policy]
id = "x"
version = 1
timezone = "UTC"
currency = "USD"
[reasons]
other = ["other"]
[calendar]
workdays = ["sat"]
hours = ["09:00-10:00"]
)";
  Policy p = parse_policy("x.toml", text);
  // Only Saturdays: works. Mark every Saturday of 30 years a holiday and it must throw.
  CHECK_NOTHROW(p.calendar.add_business_days(parse_time("2026-11-23", p.calendar.zone()), 1));
  std::set<std::int32_t> all;
  for (int d = 20000; d < 20000 + 366 * 30; ++d) all.insert(d);
  Calendar none(p.calendar.zone(), 1u << 6, {{540, 600}}, all, {});
  CHECK_THROWS_AS(none.add_business_days(parse_time("2026-11-23", p.calendar.zone()), 1), Error);
}
