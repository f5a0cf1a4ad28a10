// rma list: cases filtered by state, kind, reason, sku, category, site, operator, dates,
// overdue SLA.
#include <CLI/CLI.hpp>

#include <fmt/format.h>
#include <memory>

#include "commands.hpp"
#include "context.hpp"
#include "error.hpp"
#include "render.hpp"
#include "table.hpp"

namespace rma::cli {

std::string state_color(const std::string& state);

void add_filter_options(CLI::App& sub, CaseFilter& filter, std::string& since, std::string& until) {
  sub.add_option("--state", filter.states, "only these states (repeatable)")->allow_extra_args(false)->group("Filters");
  sub.add_option("--kind", filter.kinds, "only these kinds (repeatable)")->allow_extra_args(false)->group("Filters");
  sub.add_option("--reason", filter.reason, "only this reason")->group("Filters");
  sub.add_option("--sku", filter.sku, "only this product")->group("Filters");
  sub.add_option("--category", filter.category, "only this category")->group("Filters");
  sub.add_option("--site", filter.site, "only cases opened at this site")->group("Filters");
  sub.add_option("--operator", filter.op, "only cases this operator recorded an event on")->group("Filters");
  sub.add_option("--since", since, "opened at or after TIME")->group("Filters");
  sub.add_option("--until", until, "opened before TIME")->group("Filters");
  sub.add_flag("--overdue", filter.overdue, "only cases with a breached SLA still running")->group("Filters");
}

void setup_list(CLI::App& sub, Context& ctx) {
  struct Flags {
    CaseFilter filter;
    std::string since, until;
    bool ids = false;
  };
  auto f = std::make_shared<Flags>();
  add_filter_options(sub, f->filter, f->since, f->until);
  sub.add_flag("--ids", f->ids, "print only the case ids, one a line (for xargs)");
  sub.footer(
      "Output: a table on a terminal; --format json (an array) or --format csv.\n\n"
      "Examples:\n"
      "  rma list --state opened --state waiting-info --overdue\n"
      "  rma list --kind return --since 2026-11-01 --ids | xargs -n1 rma show");
  sub.callback([f, &ctx] {
    const auto& root = ctx.root();
    const Settings& settings = ctx.settings();
    Zone zone = settings.zone;
    f->filter.validate();
    if (!f->since.empty()) f->filter.since = parse_time(f->since, zone);
    if (!f->until.empty()) f->filter.until = parse_time(f->until, zone);

    const Ledger& ledger = ctx.read_ledger();
    PolicySet current = load_policies_for_reading(root);
    PolicyCache policies(root, &current);
    Instant now = ctx.now();
    std::vector<CaseView> views;
    for (Case& c : replay_all(ledger)) {
      if (!f->filter.matches(c)) continue;
      CaseView v = view_case(std::move(c), policies, now);
      if (f->filter.matches(v)) views.push_back(std::move(v));
    }
    std::sort(views.begin(), views.end(), [](const CaseView& a, const CaseView& b) {
      return a.c.opened != b.c.opened ? a.c.opened < b.c.opened : a.c.id < b.c.id;
    });

    if (f->ids) {
      for (const auto& v : views) fmt::print("{}\n", v.c.id);
      return;
    }
    if (ctx.json()) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& v : views) out.push_back(case_json(v, zone, &ledger.files, false));
      fmt::print("{}\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      return;
    }
    if (ctx.options.format == "csv") {
      write_csv_row(stdout, {"id", "kind", "state", "opened", "site", "order", "sku", "qty", "category", "reason", "currency",
                             "paid", "owed", "refunded", "next_due", "overdue"});
      for (const auto& v : views) {
        const Case& c = v.c;
        write_csv_row(stdout, {c.id, kind_name(c.kind), state_name(c.state), format_rfc3339(c.opened, zone), c.site, c.order, c.sku,
                               std::to_string(c.qty), c.category, c.reason, c.currency, money_text(c.paid), money_text(c.owed),
                               c.refunded.str(), v.next_due ? format_rfc3339(*v.next_due, zone) : "", v.overdue ? "yes" : "no"});
      }
      return;
    }
    if (views.empty()) {
      if (!ctx.options.quiet) fmt::print("no cases match\n");
      return;
    }
    Table t({"CASE", "KIND", "STATE", "OPENED", "SKU", "REASON", "AMOUNT", "NEXT DUE"});
    t.flexible(4);
    for (const auto& v : views) {
      const Case& c = v.c;
      // What the case is about in money: the amount owed once there is one, else what was paid.
      std::string amount = c.owed && !c.owed->is_zero() ? c.owed->str() + " " + c.currency
                           : c.paid                      ? c.paid->str() + " " + c.currency
                                                         : "";
      std::string due = v.overdue ? "OVERDUE" : v.next_due ? format_human(*v.next_due, zone) : "";
      t.add({{c.id, ""}, {kind_name(c.kind), ""}, {state_name(c.state), state_color(state_name(c.state))},
             {format_human(c.opened, zone), ""}, {c.sku.empty() ? c.customer : c.sku, ""}, {c.reason, ""}, {amount, ""},
             {due, v.overdue ? "1;31" : ""}});
    }
    fmt::print("{}", t.render(ctx.color_stdout(), terminal_width()));
    if (!ctx.options.quiet) fmt::print("{} case{}\n", views.size(), views.size() == 1 ? "" : "s");
  });
}

}  // namespace rma::cli
