#include "report_render.hpp"

#include <csv.h>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <vector>

#include "table.hpp"

namespace rma::cli {

using nlohmann::json;

namespace {

std::string str(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return fmt::format("{:.1f}", v.get<double>());
  return v.dump();
}

std::string money_map(const json& m) {
  std::string out;
  for (auto it = m.begin(); it != m.end(); ++it) out += (out.empty() ? "" : ", ") + it.value().get<std::string>() + " " + it.key();
  return out;
}

}  // namespace

std::string report_text(const json& r, bool color, std::size_t width) {
  std::string out;
  auto heading = [&](const std::string& h) { out += "\n" + (color ? "\x1b[1m" + h + "\x1b[0m" : h) + "\n"; };
  const auto& p = r["period"];
  out += fmt::format("rma report, as of {}{}{}\n", str(p["as_of"]), p["since"].is_null() ? "" : ", since " + str(p["since"]),
                     p["until"].is_null() ? "" : ", until " + str(p["until"]));
  const auto& s = r["summary"];
  heading("Summary");
  out += fmt::format("  {} cases, {} open; opened in the period {}, closed in the period {}\n", str(s["cases"]), str(s["open"]),
                     str(s["opened_in_period"]), str(s["closed_in_period"]));
  if (!s["open_by_state_and_kind"].empty()) {
    Table t({"OPEN BY STATE", "RETURN", "EXCHANGE", "REPAIR", "COMPLAINT"});
    for (auto it = s["open_by_state_and_kind"].begin(); it != s["open_by_state_and_kind"].end(); ++it) {
      auto n = [&](const char* k) { return it.value().contains(k) ? str(it.value()[k]) : ""; };
      t.add({{it.key(), ""}, {n("return"), ""}, {n("exchange"), ""}, {n("repair"), ""}, {n("complaint"), ""}});
    }
    out += t.render(color, width);
  }
  heading("SLA compliance");
  Table sla({"TARGET", "MET", "BREACHED", "RUNNING", "AT RISK (24 BH)", "PAUSED", "COMPLIANCE %"});
  for (const auto& row : r["sla"])
    sla.add({{str(row["target"]), ""}, {str(row["met"]), ""}, {str(row["breached"]), row["breached"].get<int>() ? "31" : ""},
             {str(row["running"]), ""}, {str(row["at_risk"]), row["at_risk"].get<int>() ? "33" : ""}, {str(row["paused"]), ""},
             {str(row["compliance"]), ""}});
  out += sla.render(color, width);
  if (!r["breaches"].empty()) {
    heading("Breaches");
    Table b({"CASE", "TARGET", "DUE", "LATE (H)", "STILL RUNNING", "STATE"});
    for (const auto& row : r["breaches"])
      b.add({{str(row["case"]), ""}, {str(row["target"]), ""}, {str(row["due"]), ""}, {str(row["late_hours"]), "31"},
             {row["still_running"].get<bool>() ? "yes" : "no", ""}, {str(row["state"]), ""}});
    out += b.render(color, width);
  }
  heading("Aging of open cases");
  Table a({"AGE", "OPEN"});
  for (const auto& row : r["aging"]) a.add({{str(row["bucket"]), ""}, {str(row["open"]), ""}});
  out += a.render(color, width);
  for (const auto& [section, title] : std::vector<std::pair<std::string, std::string>>{
           {"reasons", "Reasons"}, {"categories", "Categories"}, {"products", "Products"}}) {
    if (r[section].empty()) continue;
    heading(title + " (Pareto order)");
    Table t({"KEY", "CASES", "SHARE %", "CUMULATIVE %"});
    t.flexible(0);
    for (const auto& row : r[section])
      t.add({{str(row["key"]), ""}, {str(row["count"]), ""}, {str(row["share"]), ""}, {str(row["cumulative"]), ""}});
    out += t.render(color, width);
  }
  heading("Refunds by method and currency");
  Table rf({"METHOD", "CURRENCY", "COUNT", "TOTAL"});
  for (const auto& row : r["refunds"])
    rf.add({{str(row["method"]), ""}, {str(row["currency"]), ""}, {str(row["count"]), ""}, {str(row["total"]), ""}});
  out += rf.empty() ? "  none\n" : rf.render(color, width);
  for (const auto& [key, title] : std::vector<std::pair<std::string, std::string>>{{"by_reason", "Cost of returns by reason"},
                                                                                     {"by_product", "Cost of returns by product"}}) {
    heading(title);
    Table c({"KEY", "CURRENCY", "REFUNDS", "FREIGHT", "SCRAPPED", "TOTAL"});
    c.flexible(0);
    for (const auto& row : r["cost"][key])
      c.add({{str(row["key"]), ""}, {str(row["currency"]), ""}, {str(row["refunds"]), ""}, {str(row["freight"]), ""},
             {str(row["scrapped"]), ""}, {str(row["total"]), ""}});
    out += c.empty() ? "  none\n" : c.render(color, width);
  }
  heading("Cycle times");
  Table ct({"FROM", "CASES", "MEDIAN (H)", "P90 (H)"});
  for (const auto& [key, label] : std::vector<std::pair<std::string, std::string>>{{"open_to_close", "open -> close"},
                                                                                     {"open_to_refund", "open -> refund"}}) {
    const auto& row = r["cycle_times"][key];
    ct.add({{label, ""}, {str(row["count"]), ""}, {str(row["median_hours"]), ""}, {str(row["p90_hours"]), ""}});
  }
  out += ct.render(color, width);
  const auto& sat = r["satisfaction"];
  heading("Satisfaction");
  out += fmt::format("  mean {} from {} of {} closed cases (response rate {}%)\n", str(sat["mean"]), str(sat["scored"]),
                     str(sat["closed"]), str(sat["response_rate"]));
  std::string dist;
  for (int i = 1; i <= 5; ++i) dist += fmt::format("  {}: {}", i, str(sat["distribution"][std::to_string(i)]));
  out += dist + "\n";
  if (r.contains("groups")) {
    heading("By " + str(r["period"]["group_by"]));
    Table g({"GROUP", "OPENED", "OPEN", "CLOSED", "BREACHES", "REFUNDED", "SATISFACTION"});
    for (const auto& row : r["groups"])
      g.add({{str(row["group"]), ""}, {str(row["opened"]), ""}, {str(row["open"]), ""}, {str(row["closed"]), ""},
             {str(row["breaches"]), ""}, {money_map(row["refunded"]), ""}, {str(row["satisfaction_mean"]), ""}});
    out += g.render(color, width);
  }
  return out;
}

namespace {

std::string csv_field(const std::string& s) {
  std::string out(s.size() * 2 + 2, '\0');
  std::size_t n = csv_write(out.data(), out.size(), s.data(), s.size());
  out.resize(n);
  return out;
}

}  // namespace

// Tidy CSV: one value a row (section, group, key, metric, value), easy to pivot.
std::string report_csv(const json& r) {
  std::string out = "section,key,subkey,metric,value\n";
  auto row = [&](const std::string& section, const std::string& key, const std::string& sub, const std::string& metric,
                 const std::string& value) {
    out += csv_field(section) + "," + csv_field(key) + "," + csv_field(sub) + "," + csv_field(metric) + "," + csv_field(value) + "\n";
  };
  for (const auto& k : {"cases", "open", "opened_in_period", "closed_in_period"}) row("summary", "", "", k, str(r["summary"][k]));
  for (auto it = r["summary"]["open_by_state_and_kind"].begin(); it != r["summary"]["open_by_state_and_kind"].end(); ++it)
    for (auto k = it.value().begin(); k != it.value().end(); ++k) row("open_by_state_and_kind", it.key(), k.key(), "open", str(k.value()));
  for (const auto& s : r["sla"])
    for (const auto& m : {"met", "breached", "running", "at_risk", "paused", "compliance"}) row("sla", str(s["target"]), "", m, str(s[m]));
  for (const auto& b : r["breaches"]) row("breaches", str(b["case"]), str(b["target"]), "late_hours", str(b["late_hours"]));
  for (const auto& a : r["aging"]) row("aging", str(a["bucket"]), "", "open", str(a["open"]));
  for (const auto* section : {"reasons", "categories", "products"})
    for (const auto& x : r[section])
      for (const auto& m : {"count", "share", "cumulative"}) row(section, str(x["key"]), "", m, str(x[m]));
  for (const auto& x : r["refunds"]) {
    row("refunds", str(x["method"]), str(x["currency"]), "count", str(x["count"]));
    row("refunds", str(x["method"]), str(x["currency"]), "total", str(x["total"]));
  }
  for (const auto* by : {"by_reason", "by_product"})
    for (const auto& x : r["cost"][by])
      for (const auto& m : {"refunds", "freight", "scrapped", "total"})
        row(std::string("cost_") + by, str(x["key"]), str(x["currency"]), m, str(x[m]));
  for (const auto* k : {"open_to_close", "open_to_refund"})
    for (const auto& m : {"count", "median_hours", "p90_hours"}) row("cycle_times", k, "", m, str(r["cycle_times"][k][m]));
  for (const auto& m : {"closed", "scored", "response_rate", "mean"}) row("satisfaction", "", "", m, str(r["satisfaction"][m]));
  for (int i = 1; i <= 5; ++i) row("satisfaction", "distribution", std::to_string(i), "count", str(r["satisfaction"]["distribution"][std::to_string(i)]));
  if (r.contains("groups"))
    for (const auto& g : r["groups"]) {
      for (const auto& m : {"opened", "open", "closed", "breaches", "satisfaction_mean"}) row("groups", str(g["group"]), "", m, str(g[m]));
      for (auto it = g["refunded"].begin(); it != g["refunded"].end(); ++it) row("groups", str(g["group"]), it.key(), "refunded", str(it.value()));
    }
  row("fail_on", "", "", "breaches", str(r["fail_on"]["breaches"]));
  return out;
}

// --------------------------------------------------------------------------------------
// HTML with inline SVG

namespace {

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

const char* kPalette[] = {"#2b6cb0", "#c53030", "#d69e2e", "#718096", "#38a169", "#805ad5"};

// A vertical bar chart; optional cumulative-percentage line (Pareto).
std::string bar_chart(const std::string& id, const std::vector<std::pair<std::string, double>>& bars, const std::string& unit,
                      const std::vector<double>* cumulative = nullptr) {
  const double W = 720, H = 300, left = 50, right = cumulative ? 50 : 20, top = 26, bottom = 80;
  double max = 0;
  for (const auto& b : bars) max = std::max(max, b.second);
  if (max <= 0) max = 1;
  std::string svg = fmt::format(R"svg(<svg id="{}" class="chart" xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" role="img">)svg",
                                id, W, H, W, H);
  svg += fmt::format(R"svg(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#333"/>)svg", left, H - bottom, W - right, H - bottom);
  svg += fmt::format(R"svg(<text x="{}" y="{}" font-size="11">{}</text>)svg", left + 4, top - 8, esc(fmt::format("max {:g} {}", max, unit)));
  double slot = bars.empty() ? 0 : (W - left - right) / static_cast<double>(bars.size());
  std::string points;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    double h = (H - top - bottom) * bars[i].second / max;
    double x = left + slot * static_cast<double>(i) + slot * 0.15;
    svg += fmt::format(R"svg(<rect class="bar" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"><title>{}: {:g}</title></rect>)svg",
                       x, H - bottom - h, slot * 0.7, h, kPalette[0], esc(bars[i].first), bars[i].second);
    svg += fmt::format(R"svg(<text x="{:.1f}" y="{:.1f}" font-size="10" text-anchor="end" transform="rotate(-40 {:.1f} {:.1f})">{}</text>)svg",
                       x + slot * 0.35, H - bottom + 14, x + slot * 0.35, H - bottom + 14, esc(bars[i].first));
    if (cumulative) {
      double y = top + (H - top - bottom) * (1 - (*cumulative)[i] / 100.0);
      points += fmt::format("{:.1f},{:.1f} ", x + slot * 0.35, y);
    }
  }
  if (cumulative && !points.empty()) {
    svg += fmt::format(R"svg(<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>)svg", points, kPalette[1]);
    svg += fmt::format(R"svg(<text x="{}" y="{}" font-size="11">100%</text>)svg", W - right + 4, top + 4);
  }
  return svg + "</svg>";
}

// Horizontal stacked bars: one row per SLA target.
std::string stacked_chart(const json& sla) {
  const double W = 720, row_h = 26, left = 150, right = 20;
  double H = 40 + row_h * static_cast<double>(sla.size());
  std::string svg = fmt::format(R"svg(<svg id="sla-chart" class="chart" xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" role="img">)svg",
                                W, H, W, H);
  const std::vector<std::pair<std::string, const char*>> parts = {{"met", "#38a169"}, {"breached", "#c53030"}, {"running", "#2b6cb0"}, {"paused", "#a0aec0"}};
  double y = 10;
  for (const auto& row : sla) {
    double total = 0;
    for (const auto& [k, c] : parts) total += row[k].get<double>();
    svg += fmt::format(R"svg(<text x="{}" y="{:.1f}" font-size="12" text-anchor="end">{}</text>)svg", left - 6, y + 16, esc(row["target"].get<std::string>()));
    double x = left;
    for (const auto& [k, c] : parts) {
      double w = total > 0 ? (W - left - right) * row[k].get<double>() / total : 0;
      if (w > 0)
        svg += fmt::format(R"svg(<rect class="bar" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{}" fill="{}"><title>{} {}: {}</title></rect>)svg",
                           x, y, w, row_h - 6, c, esc(row["target"].get<std::string>()), k, row[k].get<int>());
      x += w;
    }
    y += row_h;
  }
  double lx = left;
  for (const auto& [k, c] : parts) {
    svg += fmt::format(R"svg(<rect x="{:.1f}" y="{:.1f}" width="10" height="10" fill="{}"/><text x="{:.1f}" y="{:.1f}" font-size="11">{}</text>)svg",
                       lx, y + 4, c, lx + 14, y + 13, k);
    lx += 90;
  }
  return svg + "</svg>";
}

std::string html_table(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table><thead><tr>";
  for (const auto& h : headers) out += "<th>" + esc(h) + "</th>";
  out += "</tr></thead><tbody>";
  for (const auto& r : rows) {
    out += "<tr>";
    for (const auto& c : r) out += "<td>" + esc(c) + "</td>";
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

}  // namespace

std::string report_html(const json& r, const std::string& title) {
  std::string body;
  const auto& s = r["summary"];
  body += fmt::format("<p class=\"lead\">{} cases, {} open; {} opened and {} closed in the period. As of {}.</p>", str(s["cases"]),
                      str(s["open"]), str(s["opened_in_period"]), str(s["closed_in_period"]), esc(str(r["period"]["as_of"])));

  body += "<h2>Reasons (Pareto)</h2>";
  std::vector<std::pair<std::string, double>> reasons;
  std::vector<double> cumulative;
  for (const auto& x : r["reasons"]) {
    reasons.emplace_back(str(x["key"]), x["count"].get<double>());
    cumulative.push_back(x["cumulative"].get<double>());
  }
  body += bar_chart("reasons-chart", reasons, "cases", &cumulative);

  body += "<h2>SLA compliance</h2>" + stacked_chart(r["sla"]);
  std::vector<std::vector<std::string>> rows;
  for (const auto& x : r["sla"])
    rows.push_back({str(x["target"]), str(x["met"]), str(x["breached"]), str(x["running"]), str(x["at_risk"]), str(x["paused"]), str(x["compliance"])});
  body += html_table({"target", "met", "breached", "running", "at risk (24 bh)", "paused", "compliance %"}, rows);
  if (!r["breaches"].empty()) {
    rows.clear();
    for (const auto& b : r["breaches"])
      rows.push_back({str(b["case"]), str(b["target"]), str(b["due"]), str(b["late_hours"]), b["still_running"].get<bool>() ? "yes" : "no"});
    body += "<h3>Breaches</h3>" + html_table({"case", "target", "due", "late (h)", "still running"}, rows);
  }

  body += "<h2>Aging of open cases</h2>";
  std::vector<std::pair<std::string, double>> aging;
  for (const auto& x : r["aging"]) aging.emplace_back(str(x["bucket"]), x["open"].get<double>());
  body += bar_chart("aging-chart", aging, "cases");

  body += "<h2>Refunds over time</h2>";
  // One series: the currency with the most refund days.
  std::map<std::string, std::size_t> currency_days;
  for (const auto& d : r["refunds_by_day"])
    for (auto it = d["totals"].begin(); it != d["totals"].end(); ++it) ++currency_days[it.key()];
  std::string currency;
  std::size_t best = 0;
  for (const auto& [c, n] : currency_days)
    if (n > best) {
      best = n;
      currency = c;
    }
  std::vector<std::pair<std::string, double>> days;
  for (const auto& d : r["refunds_by_day"])
    if (d["totals"].contains(currency)) days.emplace_back(str(d["day"]), std::stod(d["totals"][currency].get<std::string>()));
  body += bar_chart("refunds-chart", days, currency);
  rows.clear();
  for (const auto& x : r["refunds"]) rows.push_back({str(x["method"]), str(x["currency"]), str(x["count"]), str(x["total"])});
  body += html_table({"method", "currency", "count", "total"}, rows);

  body += "<h2>Cost of returns by reason</h2>";
  rows.clear();
  for (const auto& x : r["cost"]["by_reason"])
    rows.push_back({str(x["key"]), str(x["currency"]), str(x["refunds"]), str(x["freight"]), str(x["scrapped"]), str(x["total"])});
  body += html_table({"reason", "currency", "refunds", "company freight", "scrapped", "total"}, rows);
  body += "<h2>Cost of returns by product</h2>";
  rows.clear();
  for (const auto& x : r["cost"]["by_product"])
    rows.push_back({str(x["key"]), str(x["currency"]), str(x["refunds"]), str(x["freight"]), str(x["scrapped"]), str(x["total"])});
  body += html_table({"product", "currency", "refunds", "company freight", "scrapped", "total"}, rows);

  body += "<h2>Cycle times</h2>";
  rows.clear();
  for (const auto* k : {"open_to_close", "open_to_refund"}) {
    const auto& x = r["cycle_times"][k];
    rows.push_back({k, str(x["count"]), str(x["median_hours"]), str(x["p90_hours"])});
  }
  body += html_table({"from", "cases", "median (h)", "p90 (h)"}, rows);
  const auto& sat = r["satisfaction"];
  body += fmt::format("<h2>Satisfaction</h2><p>Mean {} from {} of {} closed cases (response rate {}%).</p>", str(sat["mean"]),
                      str(sat["scored"]), str(sat["closed"]), str(sat["response_rate"]));
  if (r.contains("groups")) {
    rows.clear();
    for (const auto& g : r["groups"])
      rows.push_back({str(g["group"]), str(g["opened"]), str(g["open"]), str(g["closed"]), str(g["breaches"]), money_map(g["refunded"]),
                      str(g["satisfaction_mean"])});
    body += "<h2>By " + esc(str(r["period"]["group_by"])) + "</h2>" +
            html_table({"group", "opened", "open", "closed", "breaches", "refunded", "satisfaction"}, rows);
  }
  return fmt::format(R"svg(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{}</title>
<style>
body {{ font-family: sans-serif; margin: 2em auto; max-width: 60em; color: #1a202c; }}
h1 {{ font-size: 1.6em; }} h2 {{ margin-top: 1.6em; border-bottom: 1px solid #e2e8f0; }}
table {{ border-collapse: collapse; margin: .6em 0; }} th, td {{ padding: .2em .8em; border-bottom: 1px solid #edf2f7; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }} .chart {{ display: block; margin: .5em 0; }}
</style></head><body><h1>{}</h1>{}</body></html>
)svg",
                     esc(title), esc(title), body);
}

}  // namespace rma::cli
