#include "instant.hpp"

#include <array>
#include <cstdlib>
#include <optional>
#include <utility>
#include <fmt/compile.h>
#include <fmt/format.h>

#include "error.hpp"

namespace rma {

using namespace std::chrono;

Zone find_zone(std::string_view name) {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::string format_utc(Instant t) {
  // What date::format("%FT%TZ", t) writes (%T with the milliseconds of a millisecond clock),
  // with fmt: every sealed line starts with it, and a batch seals thousands with one time,
  // so each thread remembers the last.
  thread_local std::optional<std::pair<Instant, std::string>> last;
  if (last && last->first == t) return last->second;
  auto day = floor<date::days>(t);
  date::year_month_day ymd{day};
  date::hh_mm_ss<Millis> tod{t - day};
  last.emplace(t, fmt::format(FMT_COMPILE("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z"), static_cast<int>(ymd.year()),
                               static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), tod.hours().count(),
                               tod.minutes().count(), tod.seconds().count(), tod.subseconds().count()));
  return last->second;
}

// Dates and whole-second times are written with fmt, its formats compiled: date::format
// goes through iostreams and a locale, ten times slower, and reports write them by the
// hundred thousand.

std::string format_day(date::local_days day) {
  date::year_month_day ymd{day};
  return fmt::format(FMT_COMPILE("{:04}-{:02}-{:02}"), static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

namespace {

std::string offset_text(seconds offset) {
  auto total = offset.count();
  char sign = total < 0 ? '-' : '+';
  if (total < 0) total = -total;
  return fmt::format(FMT_COMPILE("{}{:02}:{:02}"), sign, total / 3600, (total % 3600) / 60);
}

// "2026-11-23T10:00:00+08:00", in one format call, appended to `out`.
void append_date_time_offset(std::string& out, date::local_seconds t, seconds offset) {
  auto day = floor<date::days>(t);
  date::year_month_day ymd{day};
  date::hh_mm_ss<seconds> tod{t - day};
  auto off = offset.count();
  // Into a buffer of its own, then appended: fmt writes through a string's back_inserter,
  // or a bounded iterator, several times slower. (At most 27 bytes: a date::year has at
  // most 6 characters, an offset's hours two digits.)
  std::array<char, 64> text;
  char* end = fmt::format_to(text.data(), FMT_COMPILE("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}"),
                             static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                             static_cast<unsigned>(ymd.day()), tod.hours().count(), tod.minutes().count(),
                             tod.seconds().count(), off < 0 ? '-' : '+', std::abs(off) / 3600, (std::abs(off) % 3600) / 60);
  out.append(text.data(), end);
}

// The zone's UTC offset at t. The span of time it holds for (between two transitions) is
// remembered per thread, so a reader converting a million times asks the zone a few times.
seconds offset_at(Instant t, Zone zone) {
  struct Span {
    Zone zone = nullptr;
    date::sys_seconds begin, end;
    seconds offset{};
  };
  thread_local Span last;
  auto s = floor<seconds>(t);
  if (last.zone != zone || s < last.begin || s >= last.end) {
    date::sys_info info = zone->get_info(s);
    last = {zone, info.begin, info.end, info.offset};
  }
  return last.offset;
}

}  // namespace

std::string format_rfc3339(Instant t, Zone zone) {
  std::string out;
  append_rfc3339(out, t, zone);
  return out;
}

void append_rfc3339(std::string& out, Instant t, Zone zone) {
  seconds offset = offset_at(t, zone);
  LocalTime local{t.time_since_epoch() + offset};
  if ((t.time_since_epoch() % 1000).count() == 0) {
    append_date_time_offset(out, floor<seconds>(local), offset);
    return;
  }
  out += date::format("%FT%T", local);
  out += offset_text(offset);
}

std::string format_human(Instant t, Zone zone) {
  seconds offset = offset_at(t, zone);
  LocalTime local{t.time_since_epoch() + offset};
  std::string body = (t.time_since_epoch() % 60000).count() == 0
                         ? date::format("%F %H:%M", floor<minutes>(local))
                         : date::format("%F %T", floor<seconds>(local));
  return body + " " + offset_text(offset);
}

std::string format_date(Instant t, Zone zone) {
  return format_day(floor<date::days>(to_local(t, zone)));
}

LocalTime to_local(Instant t, Zone zone) { return LocalTime{t.time_since_epoch() + offset_at(t, zone)}; }

Instant to_instant(LocalTime local, Zone zone, bool refuse_gap) {
  auto info = zone->get_info(floor<seconds>(local));
  switch (info.result) {
    case date::local_info::unique:
      return Instant{local.time_since_epoch() - info.first.offset};
    case date::local_info::ambiguous:
      return Instant{local.time_since_epoch() - info.first.offset};
    case date::local_info::nonexistent:
    default:
      if (refuse_gap)
        throw Error(ErrorKind::usage,
                    fmt::format("time {}", date::format("%F %H:%M", floor<minutes>(local))),
                    fmt::format("does not exist in {}: the clocks skip it for daylight saving",
                                zone->name()),
                    "give a time after the change, or an explicit UTC offset");
      // The wall time falls in the gap: the same elapsed time after the transition.
      return Instant{local.time_since_epoch() - info.first.offset};
  }
}

namespace {

struct Cursor {
  std::string_view s;
  std::size_t i = 0;
  bool done() const { return i >= s.size(); }
  bool take(char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  bool number(std::size_t width, int& out) {
    if (i + width > s.size()) return false;
    int v = 0;
    for (std::size_t k = 0; k < width; ++k) {
      char c = s[i + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    out = v;
    i += width;
    return true;
  }
};

Error bad_time(std::string_view text, std::string why) {
  return Error(ErrorKind::usage, fmt::format("time '{}'", text), std::move(why),
               "use 2026-11-21T10:00:00+08:00, '2026-11-21 10:00' or 2026-11-21");
}

// Parses the date and optional time of day; leaves the cursor at the offset, if any.
LocalTime parse_local_part(Cursor& c, std::string_view text, bool& has_time) {
  int y, mo, d;
  if (!c.number(4, y) || !c.take('-') || !c.number(2, mo) || !c.take('-') || !c.number(2, d))
    throw bad_time(text, "is not a date and time");
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok())
    throw Error(ErrorKind::usage, fmt::format("time '{}'", text),
                fmt::format("{:04}-{:02}-{:02} is not a day of the calendar", y, mo, d),
                "check the month and day");
  LocalTime local{date::local_days{ymd}.time_since_epoch()};
  has_time = false;
  if (c.done()) return local;
  if (!c.take('T') && !c.take(' ') && !c.take('t')) throw bad_time(text, "is not a date and time");
  int h, mi, sec = 0, ms = 0;
  if (!c.number(2, h) || !c.take(':') || !c.number(2, mi))
    throw bad_time(text, "has no valid time of day");
  if (c.take(':')) {
    if (!c.number(2, sec)) throw bad_time(text, "has no valid seconds");
    if (c.take('.')) {
      std::size_t start = c.i;
      int frac = 0, digits = 0;
      while (!c.done() && c.s[c.i] >= '0' && c.s[c.i] <= '9') {
        if (digits < 3) frac = frac * 10 + (c.s[c.i] - '0');
        ++digits;
        ++c.i;
      }
      if (c.i == start || digits > 3)
        throw bad_time(text, "fractions of a second are kept to the millisecond (3 digits)");
      while (digits++ < 3) frac *= 10;
      ms = frac;
    }
  }
  if (h > 24 || mi > 59 || sec > 59 || (h == 24 && (mi || sec || ms)))
    throw Error(ErrorKind::usage, fmt::format("time '{}'", text), "is not a time of day",
                "hours go from 00 to 23, minutes and seconds from 00 to 59");
  has_time = true;
  return local + hours{h} + minutes{mi} + seconds{sec} + milliseconds{ms};
}

}  // namespace

std::optional<Instant> parse_utc(std::string_view text) {
  Cursor c{text};
  bool has_time = false;
  try {
    LocalTime local = parse_local_part(c, text, has_time);
    if (!has_time || !c.take('Z') || !c.done()) return std::nullopt;
    return Instant{local.time_since_epoch()};
  } catch (const Error&) {
    return std::nullopt;
  }
}

Instant parse_time(std::string_view text, Zone zone) {
  Cursor c{text};
  bool has_time = false;
  LocalTime local = parse_local_part(c, text, has_time);
  if (c.done()) return to_instant(local, zone, true);
  if (!has_time) throw bad_time(text, "is not a date and time");
  if (c.take('Z') || c.take('z')) {
    if (!c.done()) throw bad_time(text, "has text after the time");
    return Instant{local.time_since_epoch()};
  }
  char sign = c.i < text.size() ? text[c.i] : '\0';
  if (sign != '+' && sign != '-') throw bad_time(text, "has text after the time");
  ++c.i;
  int oh, om;
  if (!c.number(2, oh) || !c.take(':') || !c.number(2, om) || !c.done() || oh > 23 || om > 59)
    throw bad_time(text, "has an offset that is not +HH:MM or -HH:MM");
  auto offset = hours{oh} + minutes{om};
  return Instant{local.time_since_epoch() - (sign == '-' ? -offset : offset)};
}

std::optional<Instant> parse_stored_time(std::string_view text) {
  if (text.empty()) return std::nullopt;
  try {
    static const Zone utc = date::locate_zone("UTC");  // looked up once: a search of every zone's name
    return parse_time(text, utc);
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::string describe_span(Millis span) {
  auto total = duration_cast<seconds>(span).count();
  if (total < 0) total = -total;
  auto d = total / 86400, h = (total % 86400) / 3600, m = (total % 3600) / 60, s = total % 60;
  auto unit = [](long long n, const char* word) {
    return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
  };
  if (d > 0) return h > 0 ? unit(d, "day") + " " + unit(h, "hour") : unit(d, "day");
  if (h > 0) return m > 0 ? unit(h, "hour") + " " + unit(m, "minute") : unit(h, "hour");
  if (m > 0) return unit(m, "minute");
  return unit(s, "second");
}

}  // namespace rma
