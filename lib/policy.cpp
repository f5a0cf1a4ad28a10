#include "policy.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/filesystem.hpp>
#include <fmt/format.h>
#include <sstream>

#include "file_io.hpp"
#include "text.hpp"
#include "toml_support.hpp"

namespace rma {

namespace fs = boost::filesystem;

bool Policy::is_quality(const std::string& reason) const {
  return std::find(quality_reasons.begin(), quality_reasons.end(), reason) != quality_reasons.end();
}

bool Policy::knows_reason(const std::string& reason) const {
  return is_quality(reason) || std::find(other_reasons.begin(), other_reasons.end(), reason) != other_reasons.end();
}

std::optional<Duration> Policy::sla_target(std::string_view target, bool urgent) const {
  std::size_t i = sla_target_index(target);
  if (i == kSlaTargetCount) return std::nullopt;
  return sla_target(i, urgent);
}

bool Policy::needs_supervisor(const Money& owed, const std::string& owed_currency) const {
  auto it = supervisor_over.find(owed_currency);
  if (it == supervisor_over.end()) return true;
  return owed > Money::parse(it->second, owed.digits());
}

namespace {

constexpr std::array<std::string_view, 7> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// "09:00" -> 540; "24:00" -> 1440.
std::optional<int> parse_clock(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!digit(s[0]) || !digit(s[1]) || !digit(s[3]) || !digit(s[4])) return std::nullopt;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

std::optional<std::int32_t> parse_day(std::string_view s) {
  int y, mo, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto num = [&](std::size_t at, std::size_t n, int& out) {
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d)) return std::nullopt;
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)}, date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return static_cast<std::int32_t>(date::local_days{ymd}.time_since_epoch().count());
}

bool glob_match(const std::string& pattern, const std::string& text) {
  return ::fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

class PolicyReader {
 public:
  PolicyReader(const std::string& path, const std::string& text) : doc_(path, text) {}

  Policy read() {
    const toml::table& root = doc_.root();
    static constexpr std::array<std::string_view, 7> top = {"policy", "windows", "reasons", "conditions",
                                                            "approval", "sla", "calendar"};
    doc_.check_keys(root, "", top);
    Policy p;
    p.file = doc_.path();
    read_policy_table(p);
    read_windows(p);
    read_reasons(p);
    read_conditions(p);
    read_approval(p);
    read_sla(p);
    read_calendar(p);
    return p;
  }

 private:
  [[noreturn]] void fail_key(const toml::table& t, std::string_view table_name, std::string_view key,
                             std::string why, std::string hint) const {
    doc_.fail(doc_.key_region(t, key), fmt::format("{}.{}", table_name, key), std::move(why), std::move(hint));
  }
  [[noreturn]] void fail_value(const toml::table& t, std::string_view table_name, std::string_view key,
                               std::string why, std::string hint) const {
    const toml::node* n = t.get(key);
    doc_.fail(n ? n->source() : t.source(), fmt::format("{}.{}", table_name, key), std::move(why),
              std::move(hint));
  }

  const toml::table& required_table(std::string_view name) const {
    const toml::table* t = doc_.table(doc_.root(), "", name);
    if (!t)
      doc_.fail(doc_.root().source(), std::string(name), fmt::format("the policy has no [{}] table", name),
                fmt::format("add a [{}] table (see rma-policy(5))", name));
    return *t;
  }

  std::optional<Duration> duration(const toml::table& t, std::string_view table_name, std::string_view key) const {
    auto text = doc_.string(t, table_name, key);
    if (!text) return std::nullopt;
    try {
      Duration d = Duration::parse(*text);
      if (d.amount == 0)
        fail_value(t, table_name, key, "must be longer than zero", "give a positive duration such as 48h");
      return d;
    } catch (const Error& e) {
      fail_value(t, table_name, key, fmt::format("'{}' {}", *text, e.why()), e.hint());
    }
  }

  void read_policy_table(Policy& p) {
    const toml::table& t = required_table("policy");
    static constexpr std::array<std::string_view, 7> keys = {"id", "version", "description", "timezone",
                                                             "currency", "applies_to", "priority"};
    doc_.check_keys(t, "policy", keys);
    auto id = doc_.string(t, "policy", "id");
    if (!id) fail_key(t, "policy", "id", "is missing", "every policy has an id, such as id = \"default\"");
    if (!is_ascii_lower_word(*id) || id->size() > 64)
      fail_value(t, "policy", "id", fmt::format("'{}' is not a valid policy id", printable(*id)),
                 "use lower-case letters, digits, - and _, starting with a letter");
    p.id = *id;
    auto version = doc_.integer(t, "policy", "version");
    if (!version) fail_key(t, "policy", "version", "is missing", "give version = 1 and bump it on every change");
    if (*version < 1 || *version > 1000000)
      fail_value(t, "policy", "version", "must be a positive integer", "start at 1 and bump it on every change");
    p.version = *version;
    p.description = doc_.string(t, "policy", "description").value_or("");
    auto tz = doc_.string(t, "policy", "timezone");
    if (!tz) fail_key(t, "policy", "timezone", "is missing", "give the IANA zone, such as timezone = \"Asia/Shanghai\"");
    Zone zone = find_zone(*tz);
    if (!zone) {
      fail_value(t, "policy", "timezone", fmt::format("'{}' is not a known IANA time zone", printable(*tz)),
                 zone_hint(*tz));
    }
    p.timezone = *tz;
    auto currency = doc_.string(t, "policy", "currency");
    if (!currency) fail_key(t, "policy", "currency", "is missing", "give the currency, such as currency = \"CNY\"");
    if (!is_currency_code(*currency))
      fail_value(t, "policy", "currency", fmt::format("'{}' is not an ISO 4217 currency code", printable(*currency)),
                 "use three upper-case letters, such as CNY, USD or EUR");
    p.currency = *currency;
    if (auto globs = doc_.strings(t, "policy", "applies_to")) {
      for (auto& [glob, node] : *globs) {
        if (glob.empty()) doc_.fail(*node, "policy.applies_to", "an empty pattern matches nothing", "use \"*\" for every category");
        p.applies_to.push_back(glob);
      }
    } else {
      p.applies_to = {"*"};
    }
    p.priority = doc_.integer(t, "policy", "priority").value_or(0);
  }

  std::string zone_hint(const std::string& tz) const {
    // Suggest the closest zone name among the zones that share its region.
    std::vector<std::string> names;
    for (const auto& z : date::get_tzdb().zones) names.push_back(z.name());
    auto suggestion = closest_match(tz, names);
    return suggestion ? fmt::format("did you mean '{}'?", *suggestion)
                      : "use a name from /usr/share/zoneinfo, such as Asia/Shanghai or America/New_York";
  }

  void read_windows(Policy& p) {
    const toml::table* t = doc_.table(doc_.root(), "", "windows");
    if (!t) return;
    static constexpr std::array<std::string_view, 5> keys = {"return", "exchange", "defect_report", "warranty",
                                                             "counting"};
    doc_.check_keys(*t, "windows", keys);
    p.return_window = duration(*t, "windows", "return");
    p.exchange_window = duration(*t, "windows", "exchange");
    p.defect_report = duration(*t, "windows", "defect_report");
    p.warranty = duration(*t, "windows", "warranty");
    if (auto counting = doc_.string(*t, "windows", "counting")) {
      if (*counting == "exact") p.counting = Counting::exact;
      else if (*counting == "end-of-day") p.counting = Counting::end_of_day;
      else
        fail_value(*t, "windows", "counting", fmt::format("unknown counting '{}'", printable(*counting)),
                   "use \"exact\" or \"end-of-day\"");
    }
  }

  void read_reasons(Policy& p) {
    const toml::table& t = required_table("reasons");
    static constexpr std::array<std::string_view, 2> keys = {"quality", "other"};
    doc_.check_keys(t, "reasons", keys);
    for (auto [key, list] : {std::pair{"quality", &p.quality_reasons}, std::pair{"other", &p.other_reasons}}) {
      if (auto reasons = doc_.strings(t, "reasons", key)) {
        for (auto& [reason, node] : *reasons) {
          if (!is_ascii_lower_word(reason))
            doc_.fail(*node, fmt::format("reasons.{}", key), fmt::format("'{}' is not a reason code", printable(reason)),
                      "reason codes are lower-case words such as defect or changed-mind");
          if (p.knows_reason(reason))
            doc_.fail(*node, fmt::format("reasons.{}", key), fmt::format("reason '{}' is listed twice", reason),
                      "list each reason once, under quality or other");
          list->push_back(reason);
        }
      }
    }
    if (p.quality_reasons.empty() && p.other_reasons.empty())
      doc_.fail(t.source(), "reasons", "the policy lists no reasons", "list reason codes under quality and other");
  }

  void read_conditions(Policy& p) {
    const toml::table* t = doc_.table(doc_.root(), "", "conditions");
    if (!t) return;
    static constexpr std::array<std::string_view, 2> keys = {"unused_required", "freight"};
    doc_.check_keys(*t, "conditions", keys);
    if (auto reasons = doc_.strings(*t, "conditions", "unused_required")) {
      for (auto& [reason, node] : *reasons) {
        if (!p.knows_reason(reason))
          doc_.fail(*node, "conditions.unused_required", fmt::format("'{}' is not a reason of this policy", reason),
                    "list it under [reasons] first");
        p.unused_required.push_back(reason);
      }
    }
    if (const toml::table* freight = doc_.table(*t, "conditions", "freight")) {
      static constexpr std::array<std::string_view, 2> fkeys = {"quality", "other"};
      doc_.check_keys(*freight, "conditions.freight", fkeys);
      for (auto [key, out] : {std::pair{"quality", &p.freight_quality}, std::pair{"other", &p.freight_other}}) {
        if (auto payer = doc_.string(*freight, "conditions.freight", key)) {
          if (*payer != "company" && *payer != "customer")
            fail_value(*freight, "conditions.freight", key, fmt::format("unknown payer '{}'", printable(*payer)),
                       "use \"company\" or \"customer\"");
          *out = *payer;
        }
      }
    }
  }

  void read_approval(Policy& p) {
    const toml::table* t = doc_.table(doc_.root(), "", "approval");
    if (!t) return;
    static constexpr std::array<std::string_view, 3> keys = {"supervisor_over", "overrides", "backdate_limit"};
    doc_.check_keys(*t, "approval", keys);
    if (const toml::table* over = doc_.table(*t, "approval", "supervisor_over")) {
      for (auto&& [k, v] : *over) {
        std::string currency(k.str());
        std::string key = "approval.supervisor_over." + currency;
        if (!is_currency_code(currency))
          doc_.fail(k.source().begin.line ? k.source() : v.source(), key,
                    fmt::format("'{}' is not an ISO 4217 currency code", printable(currency)),
                    "use three upper-case letters, such as CNY");
        if (!v.is_string())
          doc_.fail(v, key, fmt::format("must be an amount in a string, not {}", tomlx::type_name(v)),
                    "write money as text, such as \"5000.00\", never as a number");
        try {
          p.supervisor_over[currency] = Money::parse(v.as_string()->get(), currency_minor_digits(currency)).str();
        } catch (const Error& e) {
          doc_.fail(v, key, e.why(), e.hint());
        }
      }
    }
    if (auto overrides = doc_.string(*t, "approval", "overrides")) {
      if (*overrides != "supervisor" && *overrides != "operator" && *overrides != "never")
        fail_value(*t, "approval", "overrides", fmt::format("unknown value '{}'", printable(*overrides)),
                   "use \"supervisor\", \"operator\" or \"never\"");
      p.overrides = *overrides;
    }
    if (auto limit = duration(*t, "approval", "backdate_limit")) p.backdate_limit = *limit;
  }

  // (The keys are known targets: check_keys has refused any other.)
  void read_sla_targets(const toml::table& t, std::string_view name, Policy::SlaDurations& out) {
    for (auto&& [k, v] : t) {
      std::string key(k.str());
      if (key == "priority" && name == "sla") continue;
      std::size_t i = sla_target_index(key);
      if (i == kSlaTargetCount) continue;
      if (auto d = duration(t, name, key)) out[i] = *d;
    }
  }

  void read_sla(Policy& p) {
    const toml::table* t = doc_.table(doc_.root(), "", "sla");
    if (!t) return;
    std::vector<std::string_view> keys(std::begin(kSlaTargets), std::end(kSlaTargets));
    std::vector<std::string_view> with_priority = keys;
    with_priority.push_back("priority");
    doc_.check_keys(*t, "sla", with_priority);
    read_sla_targets(*t, "sla", p.sla);
    if (const toml::table* prio = doc_.table(*t, "sla", "priority")) {
      doc_.check_keys(*prio, "sla.priority", keys);
      read_sla_targets(*prio, "sla.priority", p.sla_priority);
    }
  }

  void read_calendar(Policy& p) {
    const toml::table* t = doc_.table(doc_.root(), "", "calendar");
    unsigned workdays = 0b0111110;  // mon..fri
    std::vector<std::pair<int, int>> hours = {{9 * 60, 18 * 60}};
    std::set<std::int32_t> holidays, extra;
    p.workdays = {"mon", "tue", "wed", "thu", "fri"};
    p.hours = {"09:00-18:00"};
    if (t) {
      static constexpr std::array<std::string_view, 4> keys = {"workdays", "hours", "holidays", "extra_workdays"};
      doc_.check_keys(*t, "calendar", keys);
      if (auto days = doc_.strings(*t, "calendar", "workdays")) {
        workdays = 0;
        p.workdays.clear();
        for (auto& [day, node] : *days) {
          auto it = std::find(kDayNames.begin(), kDayNames.end(), day);
          if (it == kDayNames.end()) {
            auto suggestion = closest_match(day, kDayNames);
            doc_.fail(*node, "calendar.workdays", fmt::format("'{}' is not a day of the week", printable(day)),
                      suggestion ? fmt::format("did you mean '{}'? days are mon tue wed thu fri sat sun", *suggestion)
                                 : "days are mon tue wed thu fri sat sun");
          }
          unsigned bit = 1u << static_cast<unsigned>(it - kDayNames.begin());
          if (workdays & bit)
            doc_.fail(*node, "calendar.workdays", fmt::format("'{}' is listed twice", day), "list each day once");
          workdays |= bit;
          p.workdays.push_back(day);
        }
        if (workdays == 0)
          fail_value(*t, "calendar", "workdays", "the calendar has no workdays",
                     "list at least one day, such as [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]");
      }
      if (auto ranges = doc_.strings(*t, "calendar", "hours")) {
        hours.clear();
        p.hours.clear();
        for (auto& [range, node] : *ranges) {
          auto dash = range.find('-');
          auto start = dash == std::string::npos ? std::nullopt : parse_clock(std::string_view(range).substr(0, dash));
          auto end = dash == std::string::npos ? std::nullopt : parse_clock(std::string_view(range).substr(dash + 1));
          if (!start || !end)
            doc_.fail(*node, "calendar.hours", fmt::format("'{}' is not a range of hours", printable(range)),
                      "write HH:MM-HH:MM, such as \"09:00-12:00\"; \"00:00-24:00\" is the whole day");
          if (*end <= *start)
            doc_.fail(*node, "calendar.hours", fmt::format("'{}' ends before it starts", range),
                      "ranges run within one day; split a night shift at 24:00");
          for (auto [s, e] : hours)
            if (*start < e && s < *end)
              doc_.fail(*node, "calendar.hours", fmt::format("'{}' overlaps another range", range),
                        "business-hour ranges must not overlap");
          hours.emplace_back(*start, *end);
          p.hours.push_back(range);
        }
        if (hours.empty())
          fail_value(*t, "calendar", "hours", "the calendar has no business hours",
                     "give at least one range, such as [\"09:00-18:00\"]");
        std::sort(hours.begin(), hours.end());
      }
      for (auto [key, set, names] : {std::tuple{"holidays", &holidays, &p.holidays},
                                     std::tuple{"extra_workdays", &extra, &p.extra_workdays}}) {
        const toml::node* node = t->get(key);
        if (!node) continue;
        if (!node->is_array())
          doc_.fail(*node, fmt::format("calendar.{}", key), "must be an array of dates",
                    "write it as [\"2026-10-01\", \"2026-10-02\"]");
        for (const toml::node& element : *node->as_array()) {
          std::string text;
          if (element.is_string()) {
            text = element.as_string()->get();
          } else if (element.is_date()) {
            auto d = element.as_date()->get();
            text = fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
          } else {
            doc_.fail(element, fmt::format("calendar.{}", key),
                      fmt::format("every element must be a date, not {}", tomlx::type_name(element)),
                      "write dates as \"YYYY-MM-DD\"");
          }
          auto day = parse_day(text);
          if (!day)
            doc_.fail(element, fmt::format("calendar.{}", key), fmt::format("'{}' is not a date of the calendar", printable(text)),
                      "write dates as \"YYYY-MM-DD\" and check the month and day");
          set->insert(*day);
          names->push_back(text);
        }
      }
      for (auto day : extra) {
        if (holidays.contains(day)) {
          const toml::node* node = t->get("extra_workdays");
          doc_.fail(*node, "calendar.extra_workdays",
                    fmt::format("{} is both a holiday and an extra workday",
                                date::format("%F", date::local_days{date::days{day}})),
                    "remove it from one of the two lists");
        }
      }
    }
    std::sort(p.holidays.begin(), p.holidays.end());
    p.holidays.erase(std::unique(p.holidays.begin(), p.holidays.end()), p.holidays.end());
    std::sort(p.extra_workdays.begin(), p.extra_workdays.end());
    p.extra_workdays.erase(std::unique(p.extra_workdays.begin(), p.extra_workdays.end()), p.extra_workdays.end());
    p.calendar = Calendar(find_zone(p.timezone), workdays, std::move(hours), std::move(holidays), std::move(extra));
  }

  tomlx::Document doc_;
};

}  // namespace

Policy parse_policy(const std::string& display_path, const std::string& text) {
  return PolicyReader(display_path, text).read();
}

std::string archive_text(const Policy& p) {
  auto strings = [](const std::vector<std::string>& v) {
    toml::array a;
    for (const auto& s : v) a.push_back(s);
    return a;
  };
  toml::table policy{{"id", p.id}, {"version", p.version}, {"timezone", p.timezone}, {"currency", p.currency},
                     {"applies_to", strings(p.applies_to)}, {"priority", p.priority}};
  if (!p.description.empty()) policy.insert("description", p.description);
  toml::table windows{{"counting", p.counting == Counting::exact ? "exact" : "end-of-day"}};
  if (p.return_window) windows.insert("return", p.return_window->str());
  if (p.exchange_window) windows.insert("exchange", p.exchange_window->str());
  if (p.defect_report) windows.insert("defect_report", p.defect_report->str());
  if (p.warranty) windows.insert("warranty", p.warranty->str());
  toml::table over;
  for (const auto& [cur, amount] : p.supervisor_over) over.insert(cur, amount);
  toml::table sla, prio;
  for (std::size_t i = 0; i < kSlaTargetCount; ++i) {
    if (p.sla[i]) sla.insert(kSlaTargets[i], p.sla[i]->str());
    if (p.sla_priority[i]) prio.insert(kSlaTargets[i], p.sla_priority[i]->str());
  }
  if (!prio.empty()) sla.insert("priority", std::move(prio));
  toml::table doc{
      {"policy", std::move(policy)},
      {"windows", std::move(windows)},
      {"reasons", toml::table{{"quality", strings(p.quality_reasons)}, {"other", strings(p.other_reasons)}}},
      {"conditions", toml::table{{"unused_required", strings(p.unused_required)},
                                 {"freight", toml::table{{"quality", p.freight_quality}, {"other", p.freight_other}}}}},
      {"approval", toml::table{{"supervisor_over", std::move(over)},
                               {"overrides", p.overrides},
                               {"backdate_limit", p.backdate_limit.str()}}},
      {"sla", std::move(sla)},
      {"calendar", toml::table{{"workdays", strings(p.workdays)},
                               {"hours", strings(p.hours)},
                               {"holidays", strings(p.holidays)},
                               {"extra_workdays", strings(p.extra_workdays)}}},
  };
  std::ostringstream out;
  out << "# rma policy archive: " << p.ref() << ", frozen when the first case used it. Never edit.\n";
  out << doc << "\n";
  return out.str();
}

const Policy* PolicySet::find(std::string_view id) const {
  for (const auto& p : policies)
    if (p.id == id) return &p;
  return nullptr;
}

const Policy& PolicySet::select(const std::optional<std::string>& id, const std::string& category) const {
  if (id) {
    if (const Policy* p = find(*id)) return *p;
    std::vector<std::string> ids;
    for (const auto& p : policies) ids.push_back(p.id);
    auto suggestion = closest_match(*id, ids);
    throw Error(ErrorKind::not_found, fmt::format("policy '{}'", printable(*id)), "no policy has this id",
                suggestion ? fmt::format("did you mean '{}'?", *suggestion) : "`rma policy show` lists the policies");
  }
  const Policy* best = nullptr;
  if (!category.empty()) {
    for (const auto& p : policies) {
      if (p.id == "default") continue;
      bool matches = std::any_of(p.applies_to.begin(), p.applies_to.end(),
                                 [&](const std::string& g) { return glob_match(g, category); });
      if (matches && (!best || p.priority > best->priority)) best = &p;
    }
  }
  if (best) return *best;
  if (const Policy* p = find("default")) return *p;
  throw Error(ErrorKind::not_found, "policy 'default'", "there is no default policy and no other policy applies",
              "restore policies/default.toml (`rma init` writes one)");
}

namespace {

bool globs_overlap(const Policy& a, const Policy& b) {
  for (const auto& x : a.applies_to)
    for (const auto& y : b.applies_to)
      if (glob_match(x, y) || glob_match(y, x)) return true;
  return false;
}

}  // namespace

PolicySet load_policies(const fs::path& root) {
  PolicySet set;
  fs::path dir = root / "policies";
  boost::system::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".toml") files.push_back(it->path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::string rel = "policies/" + f.filename().string();
    Policy p = parse_policy(rel, read_text_file(f, "policy"));
    if (const Policy* other = set.find(p.id))
      throw Error(ErrorKind::bad_data, rel, fmt::format("policy id '{}' is also used by {}", p.id, other->file),
                  "give each policy its own id");
    fs::path archived = root / "policies" / "archive" / (p.ref() + ".toml");
    if (fs::exists(archived, ec) && read_text_file(archived, "policy archive") != archive_text(p))
      throw Error(ErrorKind::bad_data, rel,
                  fmt::format("policy {} changed without a version bump: it differs from policies/archive/{}.toml, "
                              "which cases were judged by",
                              p.ref(), p.ref()),
                  fmt::format("bump [policy] version to {} (or undo the change)", p.version + 1));
    set.policies.push_back(std::move(p));
  }
  for (std::size_t i = 0; i < set.policies.size(); ++i)
    for (std::size_t j = i + 1; j < set.policies.size(); ++j) {
      const Policy& a = set.policies[i];
      const Policy& b = set.policies[j];
      if (a.id == "default" || b.id == "default") continue;
      if (a.priority == b.priority && globs_overlap(a, b))
        throw Error(ErrorKind::bad_data, b.file,
                    fmt::format("applies_to of policy '{}' overlaps that of '{}' ({}) at the same priority", b.id,
                                a.id, a.file),
                    "narrow the category patterns, or give one of them a higher [policy] priority");
    }
  if (!set.find("default"))
    throw Error(ErrorKind::bad_data, "policies/", "there is no policy with id \"default\"",
                "restore policies/default.toml; it applies where no other policy does");
  return set;
}

PolicySet load_policies_for_reading(const fs::path& root) {
  try {
    return load_policies(root);
  } catch (const Error&) {
    return {};
  }
}

bool freeze_policy(const fs::path& root, const Policy& policy) {
  fs::path archived = root / "policies" / "archive" / (policy.ref() + ".toml");
  boost::system::error_code ec;
  if (fs::exists(archived, ec)) return false;
  fs::create_directories(archived.parent_path(), ec);
  write_file_durably(archived, archive_text(policy));
  return true;
}

Policy load_policy_version(const fs::path& root, const std::string& ref, const PolicySet* current) {
  fs::path archived = root / "policies" / "archive" / (ref + ".toml");
  boost::system::error_code ec;
  if (ref.find('/') == std::string::npos && fs::exists(archived, ec))
    return parse_policy("policies/archive/" + ref + ".toml", read_text_file(archived, "policy archive"));
  if (current)
    for (const auto& p : current->policies)
      if (p.ref() == ref) return p;
  throw Error(ErrorKind::not_found, fmt::format("policy {}", printable(ref)),
              "neither policies/archive/ nor policies/ has this version",
              "restore policies/archive/ from git: cases are judged by the version they were opened under");
}

std::optional<CaseKind> parse_kind(std::string_view text) {
  if (text == "return") return CaseKind::return_;
  if (text == "exchange") return CaseKind::exchange;
  if (text == "repair") return CaseKind::repair;
  if (text == "complaint") return CaseKind::complaint;
  return std::nullopt;
}

std::string kind_name(CaseKind kind) {
  switch (kind) {
    case CaseKind::return_: return "return";
    case CaseKind::exchange: return "exchange";
    case CaseKind::repair: return "repair";
    case CaseKind::complaint: return "complaint";
  }
  return "?";
}

WindowVerdict check_windows(const Policy& policy, CaseKind kind, const std::string& reason, Instant delivered,
                            Instant reported) {
  WindowVerdict v;
  v.elapsed = reported - delivered;
  const Calendar& cal = policy.calendar;
  bool quality = policy.is_quality(reason);
  auto window = [&](const std::optional<Duration>& d) -> std::optional<Deadline> {
    if (!d) return std::nullopt;
    return cal.deadline(delivered, *d, policy.counting);
  };
  auto ret = window(policy.return_window), exch = window(policy.exchange_window),
       defect = window(policy.defect_report), warr = window(policy.warranty);
  auto open = [&](const std::optional<Deadline>& d) { return !d || d->allows(reported); };

  std::optional<Deadline> main;
  std::string main_name;
  switch (kind) {
    case CaseKind::return_: main = ret; main_name = "return"; break;
    case CaseKind::exchange: main = exch; main_name = "exchange"; break;
    case CaseKind::repair: main = warr; main_name = "warranty"; break;
    case CaseKind::complaint: return v;
  }
  if (main) v.windows.emplace_back(main_name, *main);
  bool needs_defect = quality && (kind == CaseKind::return_ || kind == CaseKind::exchange);
  if (needs_defect && defect) v.windows.emplace_back("defect_report", *defect);

  if (!open(main)) {
    v.allowed = false;
    v.window = main_name;
    v.deadline = *main;
  } else if (needs_defect && !open(defect)) {
    v.allowed = false;
    v.window = "defect_report";
    v.deadline = *defect;
  }
  if (v.allowed) return v;

  Zone zone = cal.zone();
  auto until = [&](const Deadline& d) { return format_human(d.last(), zone); };
  bool defect_ok = !quality || open(defect);
  if (kind == CaseKind::return_ && exch && open(exch) && defect_ok)
    v.alternatives.push_back(fmt::format("an exchange is still possible until {}", until(*exch)));
  if (kind != CaseKind::repair && quality && warr && open(warr))
    v.alternatives.push_back(fmt::format("a repair under warranty is possible until {}", until(*warr)));
  if (policy.overrides != "never")
    v.alternatives.push_back(policy.overrides == "supervisor" ? "--override WHY, recorded by a supervisor"
                                                              : "--override WHY");
  return v;
}

}  // namespace rma

namespace rma {

std::uint64_t PolicyCache::next_serial() {
  static std::atomic<std::uint64_t> serial{0};
  return ++serial;
}

const Policy* PolicyCache::get(const std::string& ref) {
  // Each thread remembers its last answer. A report asks once a case, nearly always for
  // the version it asked for before, and threads taking one lock a case wait on each
  // other. The answer stays good while this cache lives: it never drops an entry, and a
  // map's entries do not move.
  struct Last {
    std::uint64_t cache = 0;
    std::string ref;
    const Policy* policy = nullptr;
  };
  thread_local Last last;
  if (last.cache == serial_ && last.ref == ref) return last.policy;
  const Policy* found = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(ref);
    if (it == cache_.end()) {
      std::optional<Policy> p;
      try {
        p = load_policy_version(root_, ref, current_);
      } catch (const Error&) {
      }
      it = cache_.emplace(ref, std::move(p)).first;
    }
    if (it->second) found = &*it->second;
  }
  last = {serial_, ref, found};
  return found;
}

}  // namespace rma
