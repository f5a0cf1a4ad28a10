#include "report.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fmt/compile.h>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "parallel.hpp"

namespace rma {

using nlohmann::json;

Ledger ledger_as_of(const Ledger& ledger, Instant as_of) {
  Ledger cut;
  cut.files = ledger.files;
  cut.issues = ledger.issues;
  for (const auto& e : ledger.events)
    if (e.event.recorded <= as_of) cut.events.push_back(e);
  return cut;
}

namespace {

bool in_period(Instant t, const ReportOptions& o) {
  return (!o.since || t >= *o.since) && (!o.until || t < *o.until);
}

// Sums of money per currency, exact.
struct Sums {
  std::map<std::string, Money> by_currency;
  void add(const std::string& currency, Money m) {
    auto it = by_currency.find(currency);
    if (it == by_currency.end()) by_currency.emplace(currency, m);
    else it->second += m;
  }
  Sums& operator+=(const Sums& other) {
    for (const auto& [currency, m] : other.by_currency) add(currency, m);
    return *this;
  }
  json to_json() const {
    json j = json::object();
    for (const auto& [c, m] : by_currency) j[c] = m.str();
    return j;
  }
};

// Hours with one decimal, from milliseconds.
double hours_of(Millis m) { return std::round(static_cast<double>(m.count()) / 360000.0) / 10.0; }

// Nearest-rank percentile: the value that would stand at that rank were they sorted (moved
// into place by a selection, linear in time, not by sorting them all).
double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  auto at = values.begin() + static_cast<std::ptrdiff_t>(std::min(values.size() - 1, rank == 0 ? 0 : rank - 1));
  std::nth_element(values.begin(), at, values.end());
  return *at;
}

json stats(std::vector<double> hours) {
  json j = {{"count", hours.size()}};
  if (!hours.empty()) {
    j["median_hours"] = percentile(hours, 50);
    j["p90_hours"] = percentile(hours, 90);
  } else {
    j["median_hours"] = nullptr;
    j["p90_hours"] = nullptr;
  }
  return j;
}

// Rows of (key, count) in Pareto order with share and cumulative share (percent, one decimal);
// ties in count in key order.
template <class Counts>
json pareto(const Counts& counts) {
  std::vector<std::pair<std::string, std::size_t>> rows(counts.begin(), counts.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::size_t total = 0;
  for (const auto& r : rows) total += r.second;
  json out = json::array();
  std::size_t running = 0;
  for (const auto& [key, n] : rows) {
    running += n;
    auto pct = [&](std::size_t v) { return total ? std::round(1000.0 * static_cast<double>(v) / static_cast<double>(total)) / 10.0 : 0.0; };
    out.push_back({{"key", key}, {"count", n}, {"share", pct(n)}, {"cumulative", pct(running)}});
  }
  return out;
}

std::string group_of(const Case& c, const std::string& by, Zone zone) {
  if (by == "site") return c.site;
  if (by == "operator") return c.opened_by;
  if (by == "category") return c.category.empty() ? "(none)" : c.category;
  if (by == "month") return format_date(c.opened, zone).substr(0, 7);
  return "";
}

}  // namespace

namespace {

// What the report counts, a case at a time. Tallies of parts of the ledger merge, so
// every thread keeps its own; nothing depends on the order cases arrive in.
class Tally {
 public:
  Tally(const ReportOptions& o, Zone zone) : o_(&o), zone_(zone) {}

  // `v`'s events must still be there.
  void add(const CaseView& v);
  void merge(Tally&& other);
  Report finish() &&;

 private:
  struct Group {
    std::size_t opened = 0, open = 0, closed = 0, breaches = 0, scored = 0;
    std::int64_t score_total = 0;
    Sums refunded;
    Group& operator+=(const Group& g) {
      opened += g.opened;
      open += g.open;
      closed += g.closed;
      breaches += g.breaches;
      scored += g.scored;
      score_total += g.score_total;
      refunded += g.refunded;
      return *this;
    }
  };
  static inline const std::vector<std::pair<std::string, double>> kAgeBuckets = {
      {"<1d", 1}, {"1-3d", 3}, {"3-7d", 7}, {"7-14d", 14}, {"14-30d", 30}, {">30d", 1e9}};

  const ReportOptions* o_;
  Zone zone_;
  std::size_t cases_ = 0, opened_ = 0, closed_ = 0, open_now_ = 0;
  std::map<std::pair<State, CaseKind>, std::size_t> open_by_state_kind_;  // named in finish()
  struct SlaRow {
    std::size_t met = 0, breached = 0, running = 0, paused = 0, at_risk = 0;
    SlaRow& operator+=(const SlaRow& r) {
      met += r.met;
      breached += r.breached;
      running += r.running;
      paused += r.paused;
      at_risk += r.at_risk;
      return *this;
    }
  };
  std::map<std::string, SlaRow, std::less<>> sla_counts_;  // per target
  std::vector<ReportBreach> breaches_;                  // in the order found
  std::vector<std::vector<ReportBreach>> merged_runs_;  // those of the tallies merged in
  std::map<const Policy*, Instant> horizons_;  // now + 24 business hours, per calendar
  std::size_t fail_breaches_ = 0;
  std::array<std::size_t, 6> aging_{};  // per kAgeBuckets
  // Counted per case, ordered only when written: hashed (there are hundreds of SKUs).
  std::unordered_map<std::string, std::size_t> reasons_, categories_, products_;
  struct Cost {
    std::unordered_map<std::string, Sums> refunds, freight, scrap;  // per reason, or per SKU
  } by_reason_, by_sku_;
  std::vector<double> open_to_close_, open_to_refund_;
  std::size_t closed_cases_ = 0, scored_ = 0;
  std::map<int, std::size_t> distribution_;
  std::int64_t score_total_ = 0;
  std::map<std::pair<std::string, std::string>, std::pair<std::size_t, Money>> by_method_;
  std::map<int, Sums> by_day_;  // by local day (days since 1970-01-01), written as dates in finish()
  std::map<std::string, Group> groups_;
};

void Tally::add(const CaseView& v) {
  const ReportOptions& o = *o_;
  const Instant now = o.as_of;
  const Case& c = v.c;
  ++cases_;

  // summary
  bool case_in_period = in_period(c.opened, o);
  if (case_in_period) ++opened_;
  std::optional<Instant> first_close;
  for (const auto* e : c.events)
    if (e->event.is("close")) {
      if (!first_close) first_close = e->when;
      if (in_period(e->when, o)) ++closed_;
    }
  if (c.is_open()) {
    ++open_now_;
    ++open_by_state_kind_[{c.state, c.kind}];
  }

  // SLA compliance and breaches
  for (std::size_t i = 0; i < v.slas.size(); ++i) {
    const SlaStatus& s = v.slas[i];
    bool counted = case_in_period || (!s.stop && c.is_open());
    if (!counted) continue;
    auto it = sla_counts_.find(s.target);
    if (it == sla_counts_.end()) it = sla_counts_.emplace(s.target, SlaRow{}).first;
    SlaRow& row = it->second;
    switch (s.state) {
      case SlaState::met: ++row.met; break;
      case SlaState::breached: ++row.breached; break;
      case SlaState::running: ++row.running; break;
      case SlaState::paused: ++row.paused; break;
    }
    if (s.state == SlaState::running && v.policy) {
      auto h = horizons_.find(v.policy);
      if (h == horizons_.end())
        h = horizons_.emplace(v.policy, v.policy->calendar.add_business_time(now, std::chrono::hours(24))).first;
      if (s.due.at <= h->second) ++row.at_risk;
    }
    if (s.state == SlaState::breached) {
      bool happened_in_period = in_period(s.due.at, o) && s.due.at <= now;
      if ((!s.stop && c.is_open()) || happened_in_period) ++fail_breaches_;
      breaches_.push_back({c.id, s.target, s.due.last(), s.stop, hours_of(s.late), c.state, i});
    }
  }

  // aging of open cases
  if (c.is_open()) {
    double days = static_cast<double>((now - c.opened).count()) / 86400000.0;
    for (std::size_t b = 0; b < kAgeBuckets.size(); ++b)
      if (days < kAgeBuckets[b].second) {
        ++aging_[b];
        break;
      }
  }

  // reasons, categories, products; cost; cycle times; satisfaction
  if (case_in_period) {
    ++reasons_[c.reason];
    if (!c.category.empty()) ++categories_[c.category];
    if (!c.sku.empty()) ++products_[c.sku];
    static const std::string kNoSku = "(none)";
    const std::string& sku = c.sku.empty() ? kNoSku : c.sku;
    if (!c.refunded.is_zero()) {
      by_reason_.refunds[c.reason].add(c.currency, c.refunded);
      by_sku_.refunds[sku].add(c.currency, c.refunded);
    }
    if (!c.freight_cost.is_zero()) {
      by_reason_.freight[c.reason].add(c.currency, c.freight_cost);
      by_sku_.freight[sku].add(c.currency, c.freight_cost);
    }
    if (c.disposition == "scrap" && c.paid && c.qty > 0) {
      Money scrapped = Money::from_minor(c.paid->minor() * c.received_qty / c.qty, c.paid->digits());
      by_reason_.scrap[c.reason].add(c.currency, scrapped);
      by_sku_.scrap[sku].add(c.currency, scrapped);
    }
    if (first_close) open_to_close_.push_back(hours_of(*first_close - c.opened));
    // The refund that first completed the amount owed ends the open -> refund cycle.
    if (!c.completing_refunds.empty()) open_to_refund_.push_back(hours_of(c.completing_refunds.front()->when - c.opened));
    if (c.state == State::closed) {
      ++closed_cases_;
      if (c.satisfaction) {
        ++scored_;
        ++distribution_[static_cast<int>(*c.satisfaction)];
        score_total_ += *c.satisfaction;
      }
    }
  }

  // refunds by method and currency, and by day (for the chart)
  for (const auto& r : c.refunds) {
    if (!in_period(r.when, o)) continue;
    static const std::string kOriginal = "original";
    const std::string& cur = r.currency.empty() ? c.currency : r.currency;
    const std::string& method = r.method.empty() ? kOriginal : r.method;
    auto key = std::make_pair(method, cur);
    auto it = by_method_.find(key);
    if (it == by_method_.end()) by_method_.emplace(key, std::make_pair(std::size_t{1}, r.amount));
    else {
      ++it->second.first;
      it->second.second += r.amount;
    }
    by_day_[floor<date::days>(to_local(r.when, zone_)).time_since_epoch().count()].add(cur, r.amount);
  }

  // groups
  if (!o.group_by.empty()) {
    Group& g = groups_[group_of(c, o.group_by, zone_)];
    if (case_in_period) ++g.opened;
    if (c.is_open()) ++g.open;
    if (c.state == State::closed && case_in_period) {
      ++g.closed;
      if (c.satisfaction) {
        ++g.scored;
        g.score_total += *c.satisfaction;
      }
    }
    for (const auto& s : v.slas)
      if (s.state == SlaState::breached && (case_in_period || (!s.stop && c.is_open()))) ++g.breaches;
    for (const auto& r : c.refunds)
      if (in_period(r.when, o)) g.refunded.add(c.currency, r.amount);
  }
}

namespace {

bool breach_before(const ReportBreach& a, const ReportBreach& b) {
  if (a.late_hours != b.late_hours) return a.late_hours > b.late_hours;
  if (a.case_id != b.case_id) return a.case_id < b.case_id;
  return a.clock < b.clock;
}

}  // namespace

void Tally::merge(Tally&& t) {
  // Adds each entry of `from` (a count, a row, sums, a group) to the one of its key in `into`.
  auto add_each = [](auto& into, const auto& from) {
    for (const auto& [k, n] : from) into[k] += n;
  };
  auto append = [](auto& into, auto& from) {
    into.insert(into.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  };
  cases_ += t.cases_;
  opened_ += t.opened_;
  closed_ += t.closed_;
  open_now_ += t.open_now_;
  add_each(open_by_state_kind_, t.open_by_state_kind_);
  add_each(sla_counts_, t.sla_counts_);
  merged_runs_.push_back(std::move(t.breaches_));  // kept as they are: the report orders them
  append(merged_runs_, t.merged_runs_);
  fail_breaches_ += t.fail_breaches_;
  for (std::size_t b = 0; b < aging_.size(); ++b) aging_[b] += t.aging_[b];
  add_each(reasons_, t.reasons_);
  add_each(categories_, t.categories_);
  add_each(products_, t.products_);
  for (auto [into, from] : {std::pair{&by_reason_, &t.by_reason_}, std::pair{&by_sku_, &t.by_sku_}}) {
    add_each(into->refunds, from->refunds);
    add_each(into->freight, from->freight);
    add_each(into->scrap, from->scrap);
  }
  append(open_to_close_, t.open_to_close_);
  append(open_to_refund_, t.open_to_refund_);
  closed_cases_ += t.closed_cases_;
  scored_ += t.scored_;
  add_each(distribution_, t.distribution_);
  score_total_ += t.score_total_;
  for (const auto& [key, value] : t.by_method_) {
    auto it = by_method_.find(key);
    if (it == by_method_.end()) by_method_.emplace(key, value);
    else {
      it->second.first += value.first;
      it->second.second += value.second;
    }
  }
  add_each(by_day_, t.by_day_);
  add_each(groups_, t.groups_);
}

Report Tally::finish() && {
  const ReportOptions& o = *o_;
  json report;
  report["period"] = {{"since", o.since ? json(format_rfc3339(*o.since, zone_)) : json(nullptr)},
                      {"until", o.until ? json(format_rfc3339(*o.until, zone_)) : json(nullptr)},
                      {"as_of", format_rfc3339(o.as_of, zone_)},
                      {"group_by", o.group_by.empty() ? json(nullptr) : json(o.group_by)}};

  json by_state = json::object();
  for (const auto& [state_kind, n] : open_by_state_kind_) by_state[state_name(state_kind.first)][kind_name(state_kind.second)] = n;
  report["summary"] = {{"cases", cases_}, {"open", open_now_}, {"opened_in_period", opened_}, {"closed_in_period", closed_},
                       {"open_by_state_and_kind", by_state}};

  json sla = json::array();
  for (const char* target : kSlaTargets) {
    auto it = sla_counts_.find(target);
    if (it == sla_counts_.end()) continue;
    const SlaRow& row = it->second;
    std::size_t judged = row.met + row.breached;
    sla.push_back({{"target", target},
                   {"met", row.met},
                   {"breached", row.breached},
                   {"running", row.running},
                   {"at_risk", row.at_risk},
                   {"paused", row.paused},
                   {"compliance", judged ? json(std::round(1000.0 * static_cast<double>(row.met) / static_cast<double>(judged)) / 10.0)
                                         : json(nullptr)}});
  }
  report["sla"] = sla;
  report["breaches"] = json::array();
  report["fail_on"] = {{"breaches", fail_breaches_}};

  json aging_json = json::array();
  for (std::size_t b = 0; b < kAgeBuckets.size(); ++b) aging_json.push_back({{"bucket", kAgeBuckets[b].first}, {"open", aging_[b]}});
  report["aging"] = aging_json;

  report["reasons"] = pareto(reasons_);
  report["categories"] = pareto(categories_);
  report["products"] = pareto(products_);

  auto cost_rows = [](const Cost& cost) {
    std::map<std::string, std::map<std::string, std::array<Money, 3>>> rows;  // key -> currency -> parts
    auto fold = [&](const std::unordered_map<std::string, Sums>& part, std::size_t index) {
      for (const auto& [key, sums] : part)
        for (const auto& [cur, m] : sums.by_currency) {
          auto& cell = rows[key][cur];
          if (cell[0].digits() != m.digits())
            for (auto& x : cell) x = Money::from_minor(0, m.digits());
          cell[index] += m;
        }
    };
    fold(cost.refunds, 0);
    fold(cost.freight, 1);
    fold(cost.scrap, 2);
    // Largest total first, whatever its currency's minor digits (compared in ten-thousandths);
    // ties in key and currency order. Sorted before the JSON is built, each total scaled once.
    struct Row {
      const std::string *key, *currency;
      const std::array<Money, 3>* parts;
      Money total;
      std::int64_t scaled;
    };
    std::vector<Row> sorted;
    for (const auto& [key, currencies] : rows)
      for (const auto& [cur, parts] : currencies) {
        Money total = parts[0] + parts[1] + parts[2];
        sorted.push_back({&key, &cur, &parts, total, Money::parse(total.str(), 4).minor()});
      }
    std::stable_sort(sorted.begin(), sorted.end(), [](const Row& a, const Row& b) { return a.scaled > b.scaled; });
    json out = json::array();
    for (const Row& r : sorted)
      out.push_back({{"key", *r.key},
                     {"currency", *r.currency},
                     {"refunds", (*r.parts)[0].str()},
                     {"freight", (*r.parts)[1].str()},
                     {"scrapped", (*r.parts)[2].str()},
                     {"total", r.total.str()}});
    return out;
  };
  report["cost"] = {{"by_reason", cost_rows(by_reason_)}, {"by_product", cost_rows(by_sku_)}};
  report["cycle_times"] = {{"open_to_close", stats(std::move(open_to_close_))}, {"open_to_refund", stats(std::move(open_to_refund_))}};
  json dist = json::object();
  for (int s = 1; s <= 5; ++s) dist[std::to_string(s)] = distribution_[s];
  report["satisfaction"] = {
      {"closed", closed_cases_},
      {"scored", scored_},
      {"response_rate", closed_cases_ ? json(std::round(1000.0 * static_cast<double>(scored_) / static_cast<double>(closed_cases_)) / 10.0) : json(nullptr)},
      {"mean", scored_ ? json(std::round(100.0 * static_cast<double>(score_total_) / static_cast<double>(scored_)) / 100.0) : json(nullptr)},
      {"distribution", dist}};

  json refunds = json::array();
  for (const auto& [key, value] : by_method_)
    refunds.push_back({{"method", key.first}, {"currency", key.second}, {"count", value.first}, {"total", value.second.str()}});
  report["refunds"] = refunds;
  json days = json::array();
  for (const auto& [day, sums] : by_day_)
    days.push_back({{"day", format_day(date::local_days{date::days{day}})}, {"totals", sums.to_json()}});
  report["refunds_by_day"] = days;

  if (!o.group_by.empty()) {
    json out = json::array();
    for (const auto& [key, g] : groups_)
      out.push_back({{"group", key},
                     {"opened", g.opened},
                     {"open", g.open},
                     {"closed", g.closed},
                     {"breaches", g.breaches},
                     {"refunded", g.refunded.to_json()},
                     {"satisfaction_mean", g.scored ? json(std::round(100.0 * static_cast<double>(g.score_total) / static_cast<double>(g.scored)) / 100.0) : json(nullptr)}});
    report["groups"] = out;
  }
  merged_runs_.push_back(std::move(breaches_));
  return Report(std::move(report), std::move(merged_runs_), zone_);
}

// Pieces of JSON as nlohmann::json writes them, so a document can be written a part at a
// time: the library does every value and every escape; this only places them.
std::string dump(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace); }

// Appends text as a JSON string, as the library dumps it: printable ASCII without quotes
// or backslashes (case ids, dates, names of states and clocks) goes between quotes as it
// is; anything else to the library.
void append_json_string(std::string& out, std::string_view text) {
  bool plain = std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; });
  if (!plain) {
    out += dump(json(text));
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

// A value dumped at indent 0, placed `levels` deep (a raw newline cannot occur inside a
// dumped string, so every newline starts an indented line).
std::string dump_at(const json& j, int levels) {
  std::string text = dump(j), pad(2 * static_cast<std::size_t>(levels), ' '), out;
  out.reserve(text.size() + text.size() / 4);
  for (std::size_t from = 0;;) {
    std::size_t nl = text.find('\n', from);
    if (nl == std::string::npos) return out.append(text, from);
    out.append(text, from, nl + 1 - from).append(pad);
    from = nl + 1;
  }
}

}  // namespace

void append_json_hours(std::string& out, double hours) {
  if (!(hours >= 0 && hours < 100000)) {
    out += dump(json(hours));
    return;
  }
  // Into a buffer, then appended (through a string's back_inserter fmt writes a byte at a
  // time); the shortest form of a double has at most 24 characters.
  std::array<char, 64> text;
  char* end = fmt::format_to(text.data(), FMT_COMPILE("{}"), hours);
  std::string_view written(text.data(), static_cast<std::size_t>(end - text.data()));
  out += written;
  if (written.find('.') == std::string_view::npos) out += ".0";
}

Report::Report(json sections, std::vector<std::vector<ReportBreach>> runs, Zone zone)
    : sections_(std::move(sections)), runs_(std::move(runs)), zone_(zone) {
  // Each run sorted on a thread of its own, then the runs merged as pointers, in pairs
  // until one is left: the merged breaches are not moved again.
  on_each(runs_.size(), [&](std::size_t r) { std::sort(runs_[r].begin(), runs_[r].end(), breach_before); });
  std::vector<std::vector<const ReportBreach*>> merged;
  for (const auto& run : runs_) {
    auto& in_order = merged.emplace_back();
    in_order.reserve(run.size());
    for (const auto& b : run) in_order.push_back(&b);
  }
  auto before = [](const ReportBreach* a, const ReportBreach* b) { return breach_before(*a, *b); };
  while (merged.size() > 1) {
    std::vector<std::vector<const ReportBreach*>> next;
    for (std::size_t k = 0; k + 1 < merged.size(); k += 2) {
      auto& both = next.emplace_back();
      both.reserve(merged[k].size() + merged[k + 1].size());
      std::merge(merged[k].begin(), merged[k].end(), merged[k + 1].begin(), merged[k + 1].end(), std::back_inserter(both), before);
    }
    if (merged.size() % 2) next.push_back(std::move(merged.back()));
    merged = std::move(next);
  }
  if (!merged.empty()) breaches_ = std::move(merged.front());
}

json Report::breach_json(const ReportBreach& b) const {
  return {{"case", b.case_id},
          {"target", b.target},
          {"due", format_rfc3339(b.due, zone_)},
          {"stopped", b.stop ? json(format_rfc3339(*b.stop, zone_)) : json(nullptr)},
          {"late_hours", b.late_hours},
          {"still_running", !b.stop},
          {"state", state_name(b.state)}};
}

// The same at two levels deep, as dump(2) writes it (an object's keys in sorted order),
// appended to `out` without building the object: each value as the library writes it.
// report_test requires write_json's bytes to equal document().dump(2).
void Report::append_breach(std::string& out, const ReportBreach& b) const {
  out += "{\n      \"case\": ";
  append_json_string(out, b.case_id);
  out += ",\n      \"due\": \"";  // (a time needs no escapes)
  append_rfc3339(out, b.due, zone_);
  out += "\",\n      \"late_hours\": ";
  append_json_hours(out, b.late_hours);
  // State and target names are the library's own, lower-case letters and '-' or '_'.
  static const std::array<std::string, static_cast<std::size_t>(State::closed) + 1> states = [] {
    std::array<std::string, static_cast<std::size_t>(State::closed) + 1> names;
    for (std::size_t k = 0; k < names.size(); ++k) names[k] = state_name(static_cast<State>(k));
    return names;
  }();
  out += ",\n      \"state\": \"";
  out += states[static_cast<std::size_t>(b.state)];
  out += '"';
  if (b.stop) {
    out += ",\n      \"still_running\": false,\n      \"stopped\": \"";
    append_rfc3339(out, *b.stop, zone_);
    out += "\",\n      \"target\": ";
  } else {
    out += ",\n      \"still_running\": true,\n      \"stopped\": null,\n      \"target\": ";
  }
  out += '"';
  out += b.target;
  out += "\"\n    }";
}

json Report::document() const {
  json doc = sections_;
  json& list = doc["breaches"];
  for (const auto* b : breaches_) list.push_back(breach_json(*b));
  return doc;
}

std::size_t Report::fail_on_breaches() const { return sections_["fail_on"]["breaches"].get<std::size_t>(); }

void Report::write_json(std::FILE* out) const {
  std::string buffer = "{";
  auto write = [&](const std::string& text) {
    if (std::fwrite(text.data(), 1, text.size(), out) != text.size())
      throw Error(ErrorKind::system, "writing the report", std::strerror(errno), "check the output and retry");
  };
  auto flush = [&] {
    write(buffer);
    buffer.clear();
  };
  bool first = true;
  for (auto it = sections_.begin(); it != sections_.end(); ++it) {
    buffer += first ? "\n  " : ",\n  ";
    first = false;
    buffer += dump(json(it.key())) + ": ";
    if (it.key() != "breaches" || breaches_.empty()) {
      buffer += dump_at(it.value(), 1);
      continue;
    }
    // Rendered on every core, a window of pieces at a time, and written in order. The
    // pieces' strings serve every window: their memory is paged in once, not per window.
    buffer += "[";
    flush();
    constexpr std::size_t kPiece = 2048, kWindow = 16;
    std::size_t pieces = (breaches_.size() + kPiece - 1) / kPiece;
    std::vector<std::string> text(std::min(kWindow, pieces));
    for (std::size_t from = 0; from < pieces; from += kWindow) {
      std::size_t count = std::min(kWindow, pieces - from);
      on_each(count, [&](std::size_t k) {
        std::size_t begin = (from + k) * kPiece, end = std::min(breaches_.size(), begin + kPiece);
        text[k].clear();
        for (std::size_t i = begin; i < end; ++i) {
          text[k] += i ? ",\n    " : "\n    ";
          append_breach(text[k], *breaches_[i]);
        }
      });
      for (std::size_t k = 0; k < count; ++k) write(text[k]);
    }
    buffer += "\n  ]";
  }
  buffer += first ? "}\n" : "\n}\n";
  flush();
}

Report build_report(const Ledger& ledger, PolicyCache& policies, const ReportOptions& o, Zone zone) {
  Tally tally(o, zone);
  for (const CaseView& v : view_all(ledger, policies, o.as_of)) tally.add(v);
  return std::move(tally).finish();
}

namespace {

// The distinct case ids of a file, as the first pass met them (copied: the file's bytes
// are read into a buffer the next file reuses), dealt to shards by hash for the numbering.
struct FileIds {
  static constexpr std::size_t kShards = 64;
  std::string text;                             // the ids one after another
  std::vector<std::uint32_t> end;               // where each ends in `text`
  std::vector<std::uint8_t> shard;              // each id's shard
  std::vector<std::uint32_t> order;             // the ids by shard: those of shard s are
  std::array<std::uint32_t, kShards + 1> begin{};  //   order[begin[s]] ... order[begin[s + 1] - 1]
  std::vector<std::uint32_t> number;            // each id's case number, once numbered

  std::size_t size() const { return end.size(); }
  std::string_view id(std::size_t k) const {
    std::uint32_t from = k ? end[k - 1] : 0;
    return std::string_view(text).substr(from, end[k] - from);
  }
  void add(std::string_view id) {
    text += id;
    end.push_back(static_cast<std::uint32_t>(text.size()));
  }
  // Deals the ids to shards (a counting sort, keeping their order within each).
  void deal() {
    shard.resize(size());
    begin.fill(0);
    for (std::size_t k = 0; k < size(); ++k) {
      shard[k] = static_cast<std::uint8_t>(std::hash<std::string_view>{}(id(k)) % kShards);
      ++begin[shard[k] + 1u];
    }
    for (std::size_t sh = 0; sh < kShards; ++sh) begin[sh + 1] += begin[sh];
    std::array<std::uint32_t, kShards> next{};
    std::copy_n(begin.begin(), kShards, next.begin());
    order.resize(size());
    for (std::size_t k = 0; k < size(); ++k) order[next[shard[k]]++] = static_cast<std::uint32_t>(k);
  }
};

// Numbers the case ids of every file 0, 1, 2, ..., the same id in two files alike, on every
// core, and returns how many there are. Each shard is numbered by one thread, files in
// order, in a table of its own small enough to stay in the cache. (Numbered file by file
// as they were read, in shared tables of a quarter of a million ids, nearly every lookup
// missed the cache, and the threads queued for the tables' locks.)
std::uint32_t number_cases(std::vector<FileIds>& files) {
  constexpr std::size_t kShards = FileIds::kShards;
  std::array<std::uint32_t, kShards> count{};
  for (auto& f : files) f.number.resize(f.size());
  on_each(kShards, [&](std::size_t sh) {
    std::size_t most = 0;
    for (const auto& f : files) most += f.begin[sh + 1] - f.begin[sh];
    std::unordered_map<std::string_view, std::uint32_t> numbers;  // views into the files' texts
    numbers.reserve(most);
    for (auto& f : files)
      for (std::uint32_t j = f.begin[sh]; j < f.begin[sh + 1]; ++j) {
        std::uint32_t k = f.order[j];
        f.number[k] = numbers.try_emplace(f.id(k), static_cast<std::uint32_t>(numbers.size())).first->second;
      }
    count[sh] = static_cast<std::uint32_t>(numbers.size());
  });
  // A shard's numbers follow those of the shards before it.
  std::array<std::uint32_t, kShards> base{};
  std::uint32_t total = 0;
  for (std::size_t sh = 0; sh < kShards; ++sh) {
    base[sh] = total;
    total += count[sh];
  }
  on_each(files.size(), [&](std::size_t i) {
    FileIds& f = files[i];
    for (std::size_t k = 0; k < f.size(); ++k) f.number[k] += base[f.shard[k]];
  });
  return total;
}

// A file as the first pass read it, and the case (by number) of each of its lines that the
// report reads, in order.
struct FileSeen {
  static constexpr std::uint32_t kNotRead = UINT32_MAX;  // a line the report leaves out
  bool read = false;
  FileIdentity identity;
  std::vector<std::uint32_t> cases;  // per line each_line gives, its case or kNotRead
  std::vector<std::pair<std::uint32_t, std::uint32_t>> counts;  // (case, its lines here) of each case in the file
};

// A line of a case, where it is.
struct CaseLine {
  std::string_view text;
  std::uint32_t file = 0, line = 0;
};

// A case as the second pass gathers it: how many lines the first pass counted, and the
// file that holds them all (nearly every case lives within one site's month).
//  - A case within one file is gathered by the one thread that reads that file, without
//    a lock and without copying: its lines are linked through that file's line table.
//  - A case spread over files is gathered under a lock, its lines copied one after another
//    into a Spread of its own (the files they come from are not kept).
struct Gathering {
  static constexpr std::uint32_t kSpread = UINT32_MAX;  // `file` of a case in several files
  static constexpr std::uint32_t kEnd = UINT32_MAX;     // the end of a case's linked lines
  std::uint32_t expected = 0;
  std::uint32_t file = 0;
  std::uint32_t seen = 0, tail = kEnd;  // within one file
  std::uint32_t head = kEnd;            // within one file: its first line; spread: its Spread
};
struct Spread {
  std::string text;                                            // each line and its LF
  std::vector<std::pair<std::uint32_t, std::uint32_t>> where;  // (file, line) of each
};

// A line of the file being read, linked to the next line of its case.
struct LinkedLine {
  std::string_view text;
  std::uint32_t line = 0;
  std::uint32_t next = Gathering::kEnd;
};

// The recorded time and case id of an event line, its first tokens; nullopt for a line
// that has not got them (the full parse refuses it).
struct LineHead {
  std::string_view recorded, case_id;
};
std::optional<LineHead> line_head(std::string_view line) {
  std::size_t a = line.find(' ');
  if (a == std::string_view::npos) return std::nullopt;
  std::size_t b = line.find(' ', a + 1);
  if (b == std::string_view::npos || line.find(' ', b + 1) == std::string_view::npos) return std::nullopt;
  return LineHead{line.substr(0, a), line.substr(a + 1, b - a - 1)};
}

// Whether a line was recorded by `as_of` (what the ledger knew then), from its first
// token; a time that does not parse is let through, for the full parse to refuse. Times in
// the form every writer writes (2026-11-23T03:38:30.123Z) compare as text.
class RecordedBy {
 public:
  explicit RecordedBy(Instant as_of) : as_of_(as_of), text_(format_utc(as_of)), text_canonical_(canonical(text_)) {}
  bool operator()(std::string_view recorded) const {
    if (text_canonical_ && canonical(recorded)) return recorded <= text_;
    auto t = parse_utc(recorded);
    return !t || *t <= as_of_;
  }

 private:
  static bool canonical(std::string_view t) {
    static constexpr std::string_view shape = "0000-00-00T00:00:00.000Z";
    if (t.size() != shape.size()) return false;
    for (std::size_t i = 0; i < t.size(); ++i)
      if (shape[i] == '0' ? t[i] < '0' || t[i] > '9' : t[i] != shape[i]) return false;
    return true;
  }
  Instant as_of_;
  std::string text_;
  bool text_canonical_;  // as_of in the writers' form (a year of four digits)
};

// Parses, replays and tallies one case whose lines are all here. `scratch` holds the events
// of the case (each thread has one, reused from case to case: once its strings have grown,
// parsing allocates nothing).
void tally_case(const std::vector<CaseLine>& lines, PolicyCache& policies, const ReportOptions& o, Tally& tally,
                std::vector<StoredEvent>& scratch) {
  std::size_t used = 0;
  for (const auto& [line, file, line_no] : lines) {
    if (used == scratch.size()) scratch.emplace_back();
    StoredEvent& se = scratch[used];
    std::size_t body_length = 0;
    if (parse_line_into(line, se.event, body_length)) continue;  // `rma check` reports it
    complete_stored_event(se, line, body_length, file, line_no);
    ++used;
  }
  if (used == 0) return;  // every line failed to parse: not a case
  // In seq order; the branches of a fork in file and line order, as a whole read has them.
  std::vector<const StoredEvent*> group;
  group.reserve(used);
  for (std::size_t k = 0; k < used; ++k) group.push_back(&scratch[k]);
  std::sort(group.begin(), group.end(), [](const StoredEvent* a, const StoredEvent* b) {
    return std::tie(a->event.seq, a->file, a->line) < std::tie(b->event.seq, b->file, b->line);
  });
  tally.add(view_case(replay_case(group), policies, o.as_of, false));
}

// One reading of the files; nullopt when a file was replaced between the passes.
std::optional<Report> read_report(const fs::path& root, PolicyCache& policies, const ReportOptions& o, Zone zone,
                                  std::vector<LedgerIssue>& issues, const ProgressFn& progress,
                                  const std::function<void()>& between_passes) {
  std::vector<std::string> files = list_ledger_files(root);
  std::size_t n = files.size();
  unsigned threads = worker_count();
  std::vector<std::string> buffers(threads);  // a file's bytes, reused for the next file
  std::vector<FileSeen> seen(n);
  std::vector<std::vector<LedgerIssue>> file_issues(n);

  // Pass 1: note each line's case, an index into its file's ids; then number the cases
  // and count each one's lines.
  const RecordedBy recorded_by(o.as_of);
  std::vector<FileIds> ids(n);
  on_each(
      n,
      [&](std::size_t i, unsigned thread) {
        FileSeen& f = seen[i];
        std::string& data = buffers[thread];
        std::string problem;
        if (!read_regular_file(root / files[i], data, problem, &f.identity)) {
          file_issues[i].push_back(unreadable_issue(files[i], problem));
          return;
        }
        f.read = true;
        std::unordered_map<std::string_view, std::uint32_t> local;  // views into `data`
        each_line(data, files[i], file_issues[i], [&](std::string_view line, std::uint32_t) {
          auto head = line_head(line);
          if (!head || !recorded_by(head->recorded)) {
            f.cases.push_back(FileSeen::kNotRead);
            return;
          }
          auto [it, fresh] = local.try_emplace(head->case_id, static_cast<std::uint32_t>(ids[i].size()));
          if (fresh) ids[i].add(head->case_id);
          f.cases.push_back(it->second);
        });
        ids[i].deal();
      },
      progress);
  const std::uint32_t case_count = number_cases(ids);
  on_each(n, [&](std::size_t i) {
    FileSeen& f = seen[i];
    const std::vector<std::uint32_t>& number = ids[i].number;
    f.counts.resize(number.size());
    for (std::size_t k = 0; k < number.size(); ++k) f.counts[k].first = number[k];
    for (auto& c : f.cases)
      if (c != FileSeen::kNotRead) {
        ++f.counts[c].second;
        c = number[c];
      }
    ids[i] = {};
  });
  std::vector<Gathering> cases(case_count);
  for (std::uint32_t i = 0; i < n; ++i) {
    for (auto [c, lines] : seen[i].counts) {
      Gathering& g = cases[c];
      if (g.expected == 0) g.file = i;
      else g.file = Gathering::kSpread;  // a case's lines in a file are counted at once
      g.expected += lines;
    }
    seen[i].counts = {};
  }
  std::vector<Spread> spread;
  for (auto& g : cases)
    if (g.file == Gathering::kSpread) {
      g.head = static_cast<std::uint32_t>(spread.size());
      spread.emplace_back();
    }
  for (auto& f : file_issues) issues.insert(issues.end(), f.begin(), f.end());
  if (between_passes) between_passes();

  // Pass 2, in file order (cases mostly run from one month into the next): gather each
  // case's lines, and replay and tally it as soon as it has all of them. The bytes read
  // are the first pass's (same file, same length), so each line's case is known.
  std::vector<Tally> tallies(threads, Tally(o, zone));
  std::vector<std::vector<StoredEvent>> scratch(threads);
  std::vector<std::vector<LinkedLine>> file_lines(threads);  // the file's lines of cases within it
  std::vector<std::vector<CaseLine>> case_lines(threads);    // the lines of the case to tally
  std::array<std::mutex, 64> stripes;  // a spread case's gathering is guarded by stripes[number % 64]
  std::atomic<bool> changed{false};
  on_each(n, [&](std::size_t i, unsigned thread) {
    FileSeen& f = seen[i];
    if (!f.read || changed) return;
    std::string& data = buffers[thread];
    std::string problem;
    FileIdentity now;
    if (!read_regular_file(root / files[i], data, problem, &now, f.identity.size) || !now.same_file(f.identity) ||
        data.size() != f.identity.size) {
      changed = true;
      return;
    }
    const auto file = static_cast<std::uint32_t>(i);
    std::vector<LinkedLine>& linked = file_lines[thread];
    std::vector<CaseLine>& lines = case_lines[thread];
    linked.clear();
    std::size_t k = 0;
    std::vector<LedgerIssue> ignored;  // the first pass has them
    each_line(data, files[i], ignored, [&](std::string_view line, std::uint32_t line_no) {
      std::uint32_t c = f.cases[k++];
      if (c == FileSeen::kNotRead) return;
      Gathering& g = cases[c];
      std::optional<Spread> complete;  // a spread case's, once whole (`lines` views its text)
      lines.clear();
      if (g.file == file) {
        // Within this file: this thread alone reads and writes the gathering.
        auto at = static_cast<std::uint32_t>(linked.size());
        linked.push_back({line, line_no});
        if (g.seen++ == 0) g.head = at;
        else linked[g.tail].next = at;
        g.tail = at;
        if (g.seen < g.expected) return;
        for (std::uint32_t j = g.head; j != Gathering::kEnd; j = linked[j].next) lines.push_back({linked[j].text, file, linked[j].line});
      } else {
        {
          std::lock_guard lock(stripes[c % stripes.size()]);
          Spread& s = spread[g.head];
          s.text.append(line).push_back('\n');
          s.where.emplace_back(file, line_no);
          if (s.where.size() < g.expected) return;
          // Moved into a new object, so the gathering keeps no storage (a string moved into
          // an existing one would hand it that one's old buffer).
          complete.emplace(std::move(s));
        }
        std::size_t pos = 0;
        for (const auto& [from, from_line] : complete->where) {
          std::size_t end = complete->text.find('\n', pos);
          lines.push_back({std::string_view(complete->text).substr(pos, end - pos), from, from_line});
          pos = end + 1;
        }
      }
      tally_case(lines, policies, o, tallies[thread], scratch[thread]);
    });
    f.cases = {};
  });
  if (changed) return std::nullopt;
  for (unsigned t = 1; t < threads; ++t) tallies[0].merge(std::move(tallies[t]));
  return std::move(tallies[0]).finish();
}

}  // namespace

Report report_from_files(const fs::path& root, PolicyCache& policies, const ReportOptions& o, Zone zone,
                         std::vector<LedgerIssue>& issues, const ProgressFn& progress,
                         const std::function<void()>& between_passes) {
  for (int attempt = 1;; ++attempt) {
    std::vector<LedgerIssue> found;
    if (auto report = read_report(root, policies, o, zone, found, progress, between_passes)) {
      issues.insert(issues.end(), found.begin(), found.end());
      return std::move(*report);
    }
    if (attempt == 2)
      throw Error(ErrorKind::system, "reading the ledger for the report",
                  "ledger files were replaced while they were read, twice (a git pull or reset under way?)",
                  "run the report again when the workspace is quiet");
  }
}

}  // namespace rma
