#include "report.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <map>

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
  json to_json() const {
    json j = json::object();
    for (const auto& [c, m] : by_currency) j[c] = m.str();
    return j;
  }
};

// Hours with one decimal, from milliseconds.
double hours_of(Millis m) { return std::round(static_cast<double>(m.count()) / 360000.0) / 10.0; }

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

json stats(std::vector<double> hours) {
  std::sort(hours.begin(), hours.end());
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

// Rows of (key, count) in Pareto order with share and cumulative share (percent, one decimal).
json pareto(const std::map<std::string, std::size_t>& counts) {
  std::vector<std::pair<std::string, std::size_t>> rows(counts.begin(), counts.end());
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
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
  if (by == "month") return date::format("%Y-%m", std::chrono::floor<date::days>(to_local(c.opened, zone)));
  return "";
}

}  // namespace

json build_report(const std::vector<ReportCase>& views, const ReportOptions& o, Zone zone) {
  Instant now = o.as_of;

  json report;
  report["period"] = {{"since", o.since ? json(format_rfc3339(*o.since, zone)) : json(nullptr)},
                      {"until", o.until ? json(format_rfc3339(*o.until, zone)) : json(nullptr)},
                      {"as_of", format_rfc3339(o.as_of, zone)},
                      {"group_by", o.group_by.empty() ? json(nullptr) : json(o.group_by)}};

  // --- summary -----------------------------------------------------------------------
  std::map<std::string, std::map<std::string, std::size_t>> open_by_state_kind;
  std::size_t opened = 0, closed = 0, open_now = 0;
  for (const auto& v : views) {
    const Case& c = v.c;
    if (in_period(c.opened, o)) ++opened;
    for (Instant t : v.closes)
      if (in_period(t, o)) ++closed;
    if (c.is_open()) {
      ++open_now;
      ++open_by_state_kind[state_name(c.state)][kind_name(c.kind)];
    }
  }
  json by_state = json::object();
  for (const auto& [state, kinds] : open_by_state_kind) by_state[state] = kinds;
  report["summary"] = {{"cases", views.size()}, {"open", open_now}, {"opened_in_period", opened}, {"closed_in_period", closed},
                       {"open_by_state_and_kind", by_state}};

  // --- SLA compliance and breaches ------------------------------------------------------
  std::map<std::string, std::map<std::string, std::size_t>> sla_counts;
  struct Breach {
    const ReportCase* v;
    const SlaStatus* s;
    double late_hours;
  };
  std::vector<Breach> breach_list;
  std::map<const Policy*, Instant> horizons;  // now + 24 business hours, per calendar
  std::size_t fail_breaches = 0;
  for (const auto& v : views) {
    bool case_in_period = in_period(v.c.opened, o);
    for (const auto& s : v.slas) {
      bool counted = case_in_period || (!s.stop && v.c.is_open());
      if (!counted) continue;
      auto& row = sla_counts[s.target];
      ++row[sla_state_name(s.state)];
      if (s.state == SlaState::running && v.policy) {
        auto h = horizons.find(v.policy);
        if (h == horizons.end())
          h = horizons.emplace(v.policy, v.policy->calendar.add_business_time(now, std::chrono::hours(24))).first;
        if (s.due.at <= h->second) ++row["at_risk"];
      }
      if (s.state == SlaState::breached) {
        bool happened_in_period = in_period(s.due.at, o) && s.due.at <= now;
        if ((!s.stop && v.c.is_open()) || happened_in_period) ++fail_breaches;
        breach_list.push_back({&v, &s, hours_of(s.late)});
      }
    }
  }
  // Latest first; ties in case and target order (the order they were found in).
  std::stable_sort(breach_list.begin(), breach_list.end(),
                   [](const Breach& a, const Breach& b) { return a.late_hours > b.late_hours; });
  json breaches = json::array();
  for (const auto& [v, s, late] : breach_list)
    breaches.push_back({{"case", v->c.id},
                        {"target", s->target},
                        {"due", format_rfc3339(s->due.last(), zone)},
                        {"stopped", s->stop ? json(format_rfc3339(*s->stop, zone)) : json(nullptr)},
                        {"late_hours", late},
                        {"still_running", !s->stop},
                        {"state", state_name(v->c.state)}});
  json sla = json::array();
  for (const char* target : kSlaTargets) {
    auto it = sla_counts.find(target);
    if (it == sla_counts.end()) continue;
    auto n = [&](const char* k) { return it->second.contains(k) ? it->second.at(k) : 0; };
    std::size_t judged = n("met") + n("breached");
    sla.push_back({{"target", target},
                   {"met", n("met")},
                   {"breached", n("breached")},
                   {"running", n("running")},
                   {"at_risk", n("at_risk")},
                   {"paused", n("paused")},
                   {"compliance", judged ? json(std::round(1000.0 * static_cast<double>(n("met")) / static_cast<double>(judged)) / 10.0)
                                         : json(nullptr)}});
  }
  report["sla"] = sla;
  report["breaches"] = breaches;
  report["fail_on"] = {{"breaches", fail_breaches}};

  // --- aging of open cases ----------------------------------------------------------------
  const std::vector<std::pair<std::string, double>> buckets = {{"<1d", 1}, {"1-3d", 3}, {"3-7d", 7}, {"7-14d", 14}, {"14-30d", 30}, {">30d", 1e9}};
  std::map<std::string, std::size_t> aging;
  for (const auto& [name, limit] : buckets) aging[name] = 0;
  for (const auto& v : views) {
    if (!v.c.is_open()) continue;
    double days = static_cast<double>((now - v.c.opened).count()) / 86400000.0;
    for (const auto& [name, limit] : buckets)
      if (days < limit) {
        ++aging[name];
        break;
      }
  }
  json aging_json = json::array();
  for (const auto& [name, limit] : buckets) aging_json.push_back({{"bucket", name}, {"open", aging[name]}});
  report["aging"] = aging_json;

  // --- reasons, categories, products; cost; cycle times; satisfaction --------------------
  std::map<std::string, std::size_t> reasons, categories, products;
  std::map<std::string, Sums> cost_refunds_by_reason, cost_freight_by_reason, cost_scrap_by_reason;
  std::map<std::string, Sums> cost_refunds_by_sku, cost_freight_by_sku, cost_scrap_by_sku;
  std::vector<double> open_to_close, open_to_refund;
  std::size_t closed_cases = 0, scored = 0;
  std::map<int, std::size_t> distribution;
  std::int64_t score_total = 0;
  for (const auto& v : views) {
    const Case& c = v.c;
    if (!in_period(c.opened, o)) continue;
    ++reasons[c.reason];
    if (!c.category.empty()) ++categories[c.category];
    if (!c.sku.empty()) ++products[c.sku];
    std::string sku = c.sku.empty() ? "(none)" : c.sku;
    if (!c.refunded.is_zero()) {
      cost_refunds_by_reason[c.reason].add(c.currency, c.refunded);
      cost_refunds_by_sku[sku].add(c.currency, c.refunded);
    }
    if (!c.freight_cost.is_zero()) {
      cost_freight_by_reason[c.reason].add(c.currency, c.freight_cost);
      cost_freight_by_sku[sku].add(c.currency, c.freight_cost);
    }
    if (c.disposition == "scrap" && c.paid && c.qty > 0) {
      Money scrapped = Money::from_minor(c.paid->minor() * c.received_qty / c.qty, c.paid->digits());
      cost_scrap_by_reason[c.reason].add(c.currency, scrapped);
      cost_scrap_by_sku[sku].add(c.currency, scrapped);
    }
    // cycle times
    if (!v.closes.empty()) open_to_close.push_back(hours_of(v.closes.front() - c.opened));
    if (v.refund_done) open_to_refund.push_back(hours_of(*v.refund_done - c.opened));
    if (c.state == State::closed) {
      ++closed_cases;
      if (c.satisfaction) {
        ++scored;
        ++distribution[static_cast<int>(*c.satisfaction)];
        score_total += *c.satisfaction;
      }
    }
  }
  report["reasons"] = pareto(reasons);
  report["categories"] = pareto(categories);
  report["products"] = pareto(products);

  auto cost_rows = [](const std::map<std::string, Sums>& refunds, const std::map<std::string, Sums>& freight,
                      const std::map<std::string, Sums>& scrap) {
    std::map<std::string, std::map<std::string, std::array<Money, 3>>> rows;  // key -> currency -> parts
    auto fold = [&](const std::map<std::string, Sums>& part, std::size_t index) {
      for (const auto& [key, sums] : part)
        for (const auto& [cur, m] : sums.by_currency) {
          auto& cell = rows[key][cur];
          if (cell[0].digits() != m.digits())
            for (auto& x : cell) x = Money::from_minor(0, m.digits());
          cell[index] += m;
        }
    };
    fold(refunds, 0);
    fold(freight, 1);
    fold(scrap, 2);
    json out = json::array();
    for (const auto& [key, currencies] : rows)
      for (const auto& [cur, parts] : currencies)
        out.push_back({{"key", key},
                       {"currency", cur},
                       {"refunds", parts[0].str()},
                       {"freight", parts[1].str()},
                       {"scrapped", parts[2].str()},
                       {"total", (parts[0] + parts[1] + parts[2]).str()}});
    std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) {
      return Money::parse(a["total"].get<std::string>(), 4).minor() > Money::parse(b["total"].get<std::string>(), 4).minor();
    });
    return out;
  };
  report["cost"] = {{"by_reason", cost_rows(cost_refunds_by_reason, cost_freight_by_reason, cost_scrap_by_reason)},
                    {"by_product", cost_rows(cost_refunds_by_sku, cost_freight_by_sku, cost_scrap_by_sku)}};
  report["cycle_times"] = {{"open_to_close", stats(open_to_close)}, {"open_to_refund", stats(open_to_refund)}};
  json dist = json::object();
  for (int s = 1; s <= 5; ++s) dist[std::to_string(s)] = distribution[s];
  report["satisfaction"] = {
      {"closed", closed_cases},
      {"scored", scored},
      {"response_rate", closed_cases ? json(std::round(1000.0 * static_cast<double>(scored) / static_cast<double>(closed_cases)) / 10.0) : json(nullptr)},
      {"mean", scored ? json(std::round(100.0 * static_cast<double>(score_total) / static_cast<double>(scored)) / 100.0) : json(nullptr)},
      {"distribution", dist}};

  // --- refunds by method and currency, and by day (for the chart) -------------------------
  std::map<std::pair<std::string, std::string>, std::pair<std::size_t, Money>> by_method;
  std::map<std::string, Sums> by_day;
  for (const auto& v : views)
    for (const auto& r : v.c.refunds) {
      if (!in_period(r.when, o)) continue;
      std::string cur = r.currency.empty() ? v.c.currency : r.currency;
      std::string method = r.method.empty() ? "original" : r.method;
      auto key = std::make_pair(method, cur);
      auto it = by_method.find(key);
      if (it == by_method.end()) by_method.emplace(key, std::make_pair(std::size_t{1}, r.amount));
      else {
        ++it->second.first;
        it->second.second += r.amount;
      }
      by_day[format_date(r.when, zone)].add(cur, r.amount);
    }
  json refunds = json::array();
  for (const auto& [key, value] : by_method)
    refunds.push_back({{"method", key.first}, {"currency", key.second}, {"count", value.first}, {"total", value.second.str()}});
  report["refunds"] = refunds;
  json days = json::array();
  for (const auto& [day, sums] : by_day) days.push_back({{"day", day}, {"totals", sums.to_json()}});
  report["refunds_by_day"] = days;

  // --- groups ------------------------------------------------------------------------------
  if (!o.group_by.empty()) {
    struct Group {
      std::size_t opened = 0, open = 0, closed = 0, breaches = 0, scored = 0;
      std::int64_t score_total = 0;
      Sums refunded;
    };
    std::map<std::string, Group> groups;
    for (const auto& v : views) {
      const Case& c = v.c;
      Group& g = groups[group_of(c, o.group_by, zone)];
      if (in_period(c.opened, o)) ++g.opened;
      if (c.is_open()) ++g.open;
      if (c.state == State::closed && in_period(c.opened, o)) {
        ++g.closed;
        if (c.satisfaction) {
          ++g.scored;
          g.score_total += *c.satisfaction;
        }
      }
      for (const auto& s : v.slas)
        if (s.state == SlaState::breached && (in_period(c.opened, o) || (!s.stop && c.is_open()))) ++g.breaches;
      for (const auto& r : c.refunds)
        if (in_period(r.when, o)) g.refunded.add(c.currency, r.amount);
    }
    json out = json::array();
    for (const auto& [key, g] : groups)
      out.push_back({{"group", key},
                     {"opened", g.opened},
                     {"open", g.open},
                     {"closed", g.closed},
                     {"breaches", g.breaches},
                     {"refunded", g.refunded.to_json()},
                     {"satisfaction_mean", g.scored ? json(std::round(100.0 * static_cast<double>(g.score_total) / static_cast<double>(g.scored)) / 100.0) : json(nullptr)}});
    report["groups"] = out;
  }
  return report;
}

ReportCase report_case(CaseView v) {
  ReportCase r;
  for (const auto* e : v.c.events)
    if (e->event.action == "close") r.closes.push_back(e->when);
  if (!v.c.completing_refunds.empty()) r.refund_done = v.c.completing_refunds.front()->when;
  // What the report reads of the events is above; the pointers would outlive them.
  v.c.events.clear();
  v.c.discarded.clear();
  v.c.completing_refunds.clear();
  static_cast<CaseView&>(r) = std::move(v);
  return r;
}

json build_report(const Ledger& ledger, PolicyCache& policies, const ReportOptions& o, Zone zone) {
  std::vector<ReportCase> cases;
  for (CaseView& v : view_all(ledger, policies, o.as_of)) cases.push_back(report_case(std::move(v)));
  return build_report(cases, o, zone);
}

namespace {

// Where an event line is, found without parsing it.
struct LineRef {
  std::string_view case_id;
  std::uint32_t seq, file, line;
  std::string_view text;
};

}  // namespace

namespace {

// Both passes of report_from_files; the files' bytes are let go on return, before the
// report itself is built.
std::vector<ReportCase> report_cases_from_files(const fs::path& root, PolicyCache& policies, const ReportOptions& o,
                                                std::vector<LedgerIssue>& issues, const ProgressFn& progress) {
  std::vector<std::string> files = list_ledger_files(root);
  std::size_t n = files.size();
  std::vector<std::string> data(n);
  std::vector<std::vector<LedgerIssue>> file_issues(n);
  std::vector<std::vector<LineRef>> refs(n);
  // Pass 1, on every core: each line's case, seq and recorded time from its first tokens;
  // events recorded after --as-of are left out (what the ledger knew then).
  on_each(
      n,
      [&](std::size_t i) {
        std::string problem;
        auto bytes = read_regular_file(root / files[i], problem);
        if (!bytes) {
          file_issues[i].push_back(unreadable_issue(files[i], problem));
          return;
        }
        data[i] = std::move(*bytes);
        each_line(data[i], files[i], file_issues[i], [&](std::string_view line, std::uint32_t line_no) {
          std::size_t a = line.find(' '), b = line.find(' ', a + 1), c = line.find(' ', b + 1);
          if (c == std::string_view::npos) return;  // not an event: the full parse would refuse it too
          auto recorded = parse_utc(line.substr(0, a));
          std::uint32_t seq = 0;
          std::from_chars(line.data() + b + 1, line.data() + c, seq);
          if (recorded && *recorded > o.as_of) return;
          refs[i].push_back({line.substr(a + 1, b - a - 1), seq, static_cast<std::uint32_t>(i), line_no, line});
        });
      },
      progress);
  std::vector<LineRef> all;
  for (std::size_t i = 0; i < n; ++i) {
    issues.insert(issues.end(), file_issues[i].begin(), file_issues[i].end());
    all.insert(all.end(), refs[i].begin(), refs[i].end());
    refs[i] = {};
  }
  std::vector<std::pair<std::string_view, std::uint32_t>> keys;
  keys.reserve(all.size());
  for (const auto& r : all) keys.emplace_back(r.case_id, r.seq);
  // Named, not a structured binding: lambdas below use them (clang 14 cannot capture bindings).
  CaseOrder sorted = case_order(keys);
  const auto& order = sorted.order;
  const auto& starts = sorted.starts;
  keys = {};

  // Pass 2, on every core: parse each case's lines, replay and judge it, keep what the
  // report reads, and let the events go.
  std::size_t cases = starts.size() - 1;
  std::vector<ReportCase> out(cases);
  on_each(
      cases,
      [&](std::size_t c) {
        std::vector<StoredEvent> events;
        for (std::size_t j = starts[c]; j < starts[c + 1]; ++j) {
          const LineRef& r = all[order[j]];
          auto parsed = parse_line(r.text);
          if (auto* ok = std::get_if<ParsedLine>(&parsed)) events.push_back(stored_event(std::move(*ok), r.text, r.file, r.line));
        }
        if (events.empty()) return;
        std::vector<const StoredEvent*> group;
        for (const auto& e : events) group.push_back(&e);
        out[c] = report_case(view_case(replay_case(group), policies, o.as_of));
      },
      {}, kCasesPerBatch);
  // A case whose every line failed to parse has no events and is not a case.
  out.erase(std::remove_if(out.begin(), out.end(), [](const ReportCase& r) { return r.c.id.empty(); }), out.end());
  return out;
}

}  // namespace

json report_from_files(const fs::path& root, PolicyCache& policies, const ReportOptions& o, Zone zone,
                       std::vector<LedgerIssue>& issues, const ProgressFn& progress) {
  return build_report(report_cases_from_files(root, policies, o, issues, progress), o, zone);
}

}  // namespace rma
