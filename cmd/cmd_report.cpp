// rma report: summary, SLA compliance and breaches, aging, reasons and products, refunds,
// cost of returns, cycle times, satisfaction; table, csv, json or html.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <fmt/format.h>
#include <memory>

#include "commands.hpp"
#include "context.hpp"
#include "progress.hpp"
#include "error.hpp"
#include "report.hpp"
#include "report_render.hpp"
#include "table.hpp"

namespace rma::cli {

void setup_report(CLI::App& sub, Context& ctx) {
  struct Flags {
    std::string since, until, as_of, group_by, fail_on;
  };
  auto f = std::make_shared<Flags>();
  sub.add_option("--since", f->since, "the period starts at TIME (cases opened, events that happened)");
  sub.add_option("--until", f->until, "the period ends before TIME");
  sub.add_option("--as-of", f->as_of, "the report as it would have looked then: only events recorded by TIME (default now)");
  sub.add_option("--group-by", f->group_by, "site, operator, category or month")
      ->check(CLI::IsMember({"site", "operator", "category", "month"}));
  sub.add_option("--fail-on", f->fail_on, "exit 1 when the report finds any: breach")->check(CLI::IsMember({"breach"}));
  sub.footer(
      "--fail-on breach counts breaches of cases open at --as-of and breaches that fell due within the\n"
      "period. --format html writes one self-contained page with SVG charts.\n\n"
      "Examples:\n"
      "  rma report --since 2026-11-01 --until 2026-12-01 --group-by site\n"
      "  rma report --as-of \"2026-11-23 08:00\" --fail-on breach --format html > report.html");
  sub.callback([f, &ctx] {
    Zone zone = ctx.settings().zone;
    ReportOptions o;
    if (!f->since.empty()) o.since = parse_time(f->since, zone);
    if (!f->until.empty()) o.until = parse_time(f->until, zone);
    o.as_of = f->as_of.empty() ? ctx.now() : parse_time(f->as_of, zone);
    o.group_by = f->group_by;
    if (o.since && o.until && *o.until <= *o.since)
      throw Error(ErrorKind::usage, "--until " + f->until, "is not after --since " + f->since, "give a period that ends after it starts");
    PolicySet current = load_policies_for_reading(ctx.root());
    PolicyCache policies(ctx.root(), &current);
    std::vector<LedgerIssue> issues;
    Progress progress(ctx, "reading ledger files");
    Report report = report_from_files(ctx.root(), policies, o, zone, issues, progress.fn());
    progress.done();
    ctx.warn_torn(issues);
    const std::string& format = ctx.options.json ? std::string("json") : ctx.options.format;
    if (format == "json") {
      report.write_json(stdout);
    } else {
      nlohmann::json r = report.document();
      if (format == "csv") fmt::print("{}", report_csv(r));
      else if (format == "html") fmt::print("{}", report_html(r, "rma report, as of " + format_human(o.as_of, zone)));
      else fmt::print("{}", report_text(r, ctx.color_stdout(), terminal_width()));
    }
    if (std::size_t breaches = report.fail_on_breaches(); f->fail_on == "breach" && breaches > 0) {
      fmt::print(stderr, "rma: report: {} SLA breach{} found (--fail-on breach)\n", breaches, breaches == 1 ? "" : "es");
      ctx.exit_code = 1;
    }
  });
}

}  // namespace rma::cli
