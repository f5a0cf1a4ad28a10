#include "calendar.hpp"

#include <atomic>
#include <charconv>
#include <fmt/format.h>
#include <unordered_map>

#include "error.hpp"

namespace rma {

using namespace std::chrono;

// No calendar legitimately goes ten years without business time; past that the
// calendar has none (an empty workday set, every day a holiday) and we say so.
static constexpr int kMaxDaysSearched = 3660;

Duration Duration::parse(std::string_view text) {
  auto bad = [&](std::string why) {
    return Error(ErrorKind::usage, fmt::format("duration '{}'", text), std::move(why),
                 "write a whole number and a unit: 30m, 48h, 7d (calendar days), 1bd (business days), "
                 "4bh (business hours)");
  };
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == 0) throw bad("does not start with a number");
  std::int64_t amount = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + i, amount);
  if (ec != std::errc{} || amount > 100000) throw bad("is too long (at most 100000 of a unit)");
  std::string_view unit = text.substr(i);
  Duration d;
  d.amount = amount;
  if (unit == "m") d.unit = DurationUnit::minutes;
  else if (unit == "h") d.unit = DurationUnit::hours;
  else if (unit == "d") d.unit = DurationUnit::days;
  else if (unit == "bh") d.unit = DurationUnit::business_hours;
  else if (unit == "bd") d.unit = DurationUnit::business_days;
  else if (unit.empty()) throw bad("has no unit");
  else throw bad(fmt::format("has the unknown unit '{}'", unit));
  return d;
}

std::string Duration::str() const {
  const char* suffix = "";
  switch (unit) {
    case DurationUnit::minutes: suffix = "m"; break;
    case DurationUnit::hours: suffix = "h"; break;
    case DurationUnit::days: suffix = "d"; break;
    case DurationUnit::business_hours: suffix = "bh"; break;
    case DurationUnit::business_days: suffix = "bd"; break;
  }
  return fmt::format("{}{}", amount, suffix);
}

Calendar::Calendar(Zone zone, unsigned workdays, std::vector<std::pair<int, int>> hours,
                   std::set<std::int32_t> holidays, std::set<std::int32_t> extra_workdays)
    : zone_(zone), workdays_(workdays), hours_(std::move(hours)), holidays_(std::move(holidays)),
      extra_workdays_(std::move(extra_workdays)) {
  static std::atomic<std::uint64_t> next_id{1};
  id_ = next_id.fetch_add(1);
}

date::local_days Calendar::local_day(Instant t) const { return floor<date::days>(to_local(t, zone_)); }

bool Calendar::is_workday(date::local_days day) const {
  auto n = static_cast<std::int32_t>(day.time_since_epoch().count());
  if (extra_workdays_.contains(n)) return true;
  if (holidays_.contains(n)) return false;
  unsigned weekday = date::weekday{day}.c_encoding();
  return (workdays_ >> weekday) & 1u;
}

const std::vector<std::pair<Instant, Instant>>& Calendar::intervals(date::local_days day) const {
  // Turning local hours into instants asks the time zone database each time; a report
  // asks for the same days a million times, so each thread remembers the days it has seen.
  thread_local std::unordered_map<std::uint64_t, std::vector<std::pair<Instant, Instant>>> memo;
  std::uint64_t key = (id_ << 32) ^ static_cast<std::uint32_t>(day.time_since_epoch().count());
  if (auto it = memo.find(key); it != memo.end()) return it->second;
  if (memo.size() > 100000) memo.clear();
  return memo.emplace(key, compute_intervals(day)).first->second;
}

std::vector<std::pair<Instant, Instant>> Calendar::compute_intervals(date::local_days day) const {
  std::vector<std::pair<Instant, Instant>> out;
  if (!is_workday(day)) return out;
  for (auto [start, end] : hours_) {
    LocalTime s{day.time_since_epoch() + minutes{start}};
    LocalTime e{day.time_since_epoch() + minutes{end}};
    Instant a = to_instant(s, zone_, false), b = to_instant(e, zone_, false);
    if (b <= a) continue;  // a range swallowed by a DST gap
    // A 24/7 calendar: ranges of neighbouring days touch; merge them.
    if (!out.empty() && out.back().second >= a) {
      out.back().second = std::max(out.back().second, b);
    } else {
      out.emplace_back(a, b);
    }
  }
  return out;
}

date::local_days Calendar::next_workday(date::local_days day) const {
  for (int i = 0; i < kMaxDaysSearched; ++i) {
    day += date::days{1};
    if (is_workday(day) && !hours_.empty()) return day;
  }
  throw Error(ErrorKind::bad_data, "business calendar", "has no business time in ten years",
              "give the policy at least one workday with hours that are not all holidays");
}

Instant Calendar::next_opening(Instant t) const {
  date::local_days day = local_day(t) - date::days{1};  // a range may start the day before
  for (int i = 0; i < kMaxDaysSearched; ++i, day += date::days{1}) {
    for (auto [a, b] : intervals(day)) {
      if (t < a) return a;
      if (t < b) return t;
    }
  }
  throw Error(ErrorKind::bad_data, "business calendar", "has no business time in ten years",
              "give the policy at least one workday with hours that are not all holidays");
}

Millis Calendar::business_between(Instant a, Instant b) const {
  if (b <= a) return Millis{0};
  Millis total{0};
  for (date::local_days day = local_day(a) - date::days{1}; day <= local_day(b); day += date::days{1}) {
    for (auto [s, e] : intervals(day)) {
      Instant lo = std::max(s, a), hi = std::min(e, b);
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}

Instant Calendar::add_business_time(Instant t, Millis amount) const {
  if (amount <= Millis{0}) return t;
  Millis left = amount;
  date::local_days day = local_day(t) - date::days{1};
  for (int i = 0; i < kMaxDaysSearched * 2; ++i, day += date::days{1}) {
    for (auto [a, b] : intervals(day)) {
      if (t >= b) continue;
      Instant from = std::max(a, t);
      if (b - from >= left) return from + left;
      left -= b - from;
    }
  }
  throw Error(ErrorKind::bad_data, "business calendar", "has no business time in ten years",
              "give the policy at least one workday with hours that are not all holidays");
}

Instant Calendar::add_business_days(Instant t, std::int64_t n) const {
  Instant open = next_opening(t);
  date::local_days day = local_day(open);
  // Business time already passed on that day before `open`.
  const auto* today = &intervals(day);
  Millis offset{0};
  if (today->empty() || open < today->front().first) {
    // `open` is in a range that began the day before (a 24/7 calendar across midnight):
    // measure from the first opening of its own business day.
    day -= date::days{1};
    today = &intervals(day);
  }
  for (auto [a, b] : *today) {
    if (open <= a) break;
    offset += std::min(open, b) - a;
  }
  for (std::int64_t k = 0; k < n; ++k) day = next_workday(day);
  const auto& target = intervals(day);
  if (target.empty()) return open;
  Instant first = target.front().first;  // read before the next intervals() call
  // Where the offset ends exactly at a break (12:00 before a 13:30 reopening), the business
  // clock reads the same at both instants; the day's work resumes at the later one.
  return next_opening(add_business_time(first, offset));
}

Deadline Calendar::deadline(Instant start, Duration d, Counting counting) const {
  switch (d.unit) {
    case DurationUnit::minutes: return {start + minutes{d.amount}, true};
    case DurationUnit::hours: return {start + hours{d.amount}, true};
    case DurationUnit::days: {
      if (counting == Counting::end_of_day) {
        date::local_days last = local_day(start) + date::days{d.amount};
        LocalTime midnight{(last + date::days{1}).time_since_epoch()};
        return {to_instant(midnight, zone_, false), false};
      }
      LocalTime local = to_local(start, zone_) + date::days{d.amount};
      return {to_instant(local, zone_, false), true};
    }
    case DurationUnit::business_hours: return {add_business_time(next_opening(start), hours{d.amount}), true};
    case DurationUnit::business_days: {
      if (counting == Counting::end_of_day) {
        date::local_days day = local_day(start);
        for (std::int64_t k = 0; k < d.amount; ++k) day = next_workday(day);
        const auto& target = intervals(day);
        if (target.empty()) return {start, true};
        return {target.back().second, true};
      }
      return {add_business_days(start, d.amount), true};
    }
  }
  return {start, true};
}

}  // namespace rma
