#include <doctest/doctest.h>

#include "error.hpp"
#include "instant.hpp"

using namespace rma;

namespace {
Zone shanghai() { return find_zone("Asia/Shanghai"); }
Zone new_york() { return find_zone("America/New_York"); }
}  // namespace

TEST_CASE("TIME forms of DESIGN §6") {
  Instant a = parse_time("2026-11-21T10:00:00+08:00", shanghai());
  CHECK(format_utc(a) == "2026-11-21T02:00:00.000Z");
  CHECK(parse_time("2026-11-21 10:00", shanghai()) == a);
  CHECK(parse_time("2026-11-21T02:00:00Z", shanghai()) == a);
  CHECK(format_utc(parse_time("2026-11-21", shanghai())) == "2026-11-20T16:00:00.000Z");
  CHECK(format_utc(parse_time("2026-11-21T10:00:00.5-05:00", shanghai())) == "2026-11-21T15:00:00.500Z");
}

TEST_CASE("impossible dates and malformed times are refused") {
  for (const char* bad : {"2026-02-30", "9999-99-99", "2026-13-01", "2026-11-21 25:00", "2026-11-21T10:00+0800",
                          "yesterday", "2026-11-21T10:00:00.1234Z", "2026-11-21 10:60", ""}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_time(bad, shanghai()), Error);
  }
}

TEST_CASE("a local time in a DST gap is refused; an ambiguous one takes the earlier instant") {
  CHECK_THROWS_AS(parse_time("2026-03-08 02:30", new_york()), Error);
  Instant earlier = parse_time("2026-11-01 01:30", new_york());
  CHECK(format_utc(earlier) == "2026-11-01T05:30:00.000Z");  // EDT, -04:00
}

TEST_CASE("formatting in a zone") {
  Instant t = parse_time("2026-11-23T03:38:30.123Z", shanghai());
  CHECK(format_rfc3339(t, shanghai()) == "2026-11-23T11:38:30.123+08:00");
  CHECK(format_human(parse_time("2026-11-27 10:00", shanghai()), shanghai()) == "2026-11-27 10:00 +08:00");
  CHECK(parse_utc("2026-11-23T03:38:30.123Z").value() == t);
  CHECK_FALSE(parse_utc("2026-11-23T03:38:30+08:00").has_value());
}

TEST_CASE("append_rfc3339 appends what format_rfc3339 returns, whole seconds or not, east or west") {
  for (const char* when : {"2026-11-23T03:38:30.123Z", "2026-11-23T03:38:30.000Z", "0001-01-01T00:00:00.000Z",
                           "9999-12-31T23:59:59.999Z", "2026-03-08T07:00:00.000Z"}) {
    for (Zone zone : {shanghai(), new_york(), find_zone("UTC"), find_zone("Asia/Kolkata")}) {
      Instant t = parse_utc(when).value();
      std::string out = "before ";
      append_rfc3339(out, t, zone);
      CAPTURE(when);
      CHECK(out == "before " + format_rfc3339(t, zone));
    }
  }
  std::string out;
  append_rfc3339(out, parse_utc("2026-11-23T02:00:00.000Z").value(), find_zone("Asia/Kolkata"));
  CHECK(out == "2026-11-23T07:30:00+05:30");
  out.clear();
  append_rfc3339(out, parse_utc("2026-11-23T15:00:00.000Z").value(), new_york());
  CHECK(out == "2026-11-23T10:00:00-05:00");
}

TEST_CASE("spans read naturally") {
  CHECK(describe_span(std::chrono::hours(50)) == "2 days 2 hours");
  CHECK(describe_span(std::chrono::minutes(61)) == "1 hour 1 minute");
  CHECK(describe_span(std::chrono::seconds(59)) == "59 seconds");
}

TEST_CASE("format_utc writes what date::format(\"%FT%TZ\") writes, and parse_utc reads it back") {
  // Every hour of a leap day, odd milliseconds, the epoch, and a spread over 1970-2199.
  std::vector<Instant> samples = {Instant{}, Instant{Millis{1}}, Instant{Millis{999}}};
  Instant leap = parse_time("2028-02-29T00:00:00Z", shanghai());
  for (int h = 0; h < 24; ++h) samples.push_back(leap + std::chrono::hours(h) + Millis(h * 41));
  std::uint64_t x = 88172645463325252ull;  // xorshift: a fixed spread of instants
  for (int i = 0; i < 2000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    samples.push_back(Instant{Millis{static_cast<std::int64_t>(x % 7258118400000ull)}});
  }
  for (Instant t : samples) {
    std::string text = format_utc(t);
    CAPTURE(text);
    CHECK(text == date::format("%FT%TZ", t));
    CHECK(parse_utc(text) == t);
  }
}

TEST_CASE("format_day writes what date::format(\"%F\") writes, and format_date the local day") {
  // Every day of 1999-2032 (leap days; 2000, a century that is a leap year), the turn of
  // February in 1900 and 2100 (centuries that are not), and the ends of the range a
  // ledger's dates can take.
  auto from = date::local_days{date::year{1999} / 1 / 1}, to = date::local_days{date::year{2033} / 1 / 1};
  for (auto day = from; day < to; day += date::days{1}) REQUIRE(format_day(day) == date::format("%F", day));
  using date::year;
  for (auto ymd : {year{1} / 1 / 1, year{1900} / 2 / 28, year{1900} / 3 / 1, year{2100} / 2 / 28, year{2100} / 3 / 1,
                   year{9999} / 12 / 31}) {
    auto day = date::local_days{ymd};
    CHECK(format_day(day) == date::format("%F", day));
  }
  CHECK(format_day(date::local_days{year{2100} / 2 / 28} + date::days{1}) == "2100-03-01");
  CHECK(format_day(date::local_days{year{2000} / 2 / 29}) == "2000-02-29");
  // 23:30 in New York is the next day in UTC and in Shanghai.
  Instant late = parse_time("2026-11-23 23:30", new_york());
  CHECK(format_date(late, new_york()) == "2026-11-23");
  CHECK(format_date(late, shanghai()) == "2026-11-24");
}
