// rma export --events|--cases: JSON Lines or CSV for spreadsheets and data warehouses.
#include <CLI/CLI.hpp>

#include <fmt/format.h>
#include <memory>

#include "commands.hpp"
#include "context.hpp"
#include "error.hpp"
#include "render.hpp"

namespace rma::cli {

void setup_export(CLI::App& sub, Context& ctx) {
  struct Flags {
    bool events = false, cases = false;
    CaseFilter filter;
    std::string since, until;
  };
  auto f = std::make_shared<Flags>();
  auto* ev = sub.add_flag("--events", f->events, "one record per event");
  auto* cs = sub.add_flag("--cases", f->cases, "one record per case: its current state and deadlines");
  ev->excludes(cs);
  add_filter_options(sub, f->filter, f->since, f->until);
  sub.footer(
      "JSON Lines by default (--format json), or CSV (--format csv: RFC 4180, UTF-8, a header row).\n"
      "With --events, --since/--until select events by when they happened and the other filters\n"
      "select their cases; with --cases they select by the opening time.\n\n"
      "Examples:\n"
      "  rma export --cases --format csv > cases.csv\n"
      "  rma export --events --since 2026-11-01 --until 2026-12-01 | gzip > events-2026-11.jsonl.gz");
  sub.callback([f, &ctx] {
    if (!f->events && !f->cases)
      throw Error(ErrorKind::usage, "export", "--events or --cases is required", "say what to export: rma export --cases");
    const auto& root = ctx.root();
    Zone zone = ctx.settings().zone;
    f->filter.validate();
    std::optional<Instant> since, until;
    if (!f->since.empty()) since = parse_time(f->since, zone);
    if (!f->until.empty()) until = parse_time(f->until, zone);
    bool csv = ctx.options.format == "csv";
    if (!csv && ctx.options.format != "table" && ctx.options.format != "json")
      throw Error(ErrorKind::usage, "--format " + ctx.options.format, "export writes json (JSON Lines) or csv", "use --format json or --format csv");

    const Ledger& ledger = ctx.read_ledger();
    PolicySet current = load_policies_for_reading(root);
    PolicyCache policies(root, &current);
    Instant now = ctx.now();

    if (f->cases) {
      f->filter.since = since;
      f->filter.until = until;
      if (csv)
        write_csv_row(stdout, {"id", "site", "kind", "state", "opened", "opened_by", "order", "customer", "sku", "category", "qty",
                               "reason", "channel", "priority", "policy", "delivered", "currency", "paid", "resolution", "owed",
                               "refunded", "deducted", "freight_cost", "satisfaction", "escalated", "overdue", "next_due", "events"});
      for (Case& c : replay_all(ledger)) {
        if (!f->filter.matches(c)) continue;
        CaseView v = view_case(std::move(c), policies, now);
        if (!f->filter.matches(v)) continue;
        if (!csv) {
          fmt::print("{}\n", case_json(v, zone, &ledger.files, false).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
          continue;
        }
        const Case& k = v.c;
        write_csv_row(stdout, {k.id, k.site, kind_name(k.kind), state_name(k.state), format_rfc3339(k.opened, zone), k.opened_by,
                               k.order, k.customer, k.sku, k.category, std::to_string(k.qty), k.reason, k.channel,
                               k.priority ? "yes" : "no", k.policy_ref, k.delivered ? format_rfc3339(*k.delivered, zone) : "",
                               k.currency, money_text(k.paid), k.resolution, money_text(k.owed), k.refunded.str(),
                               k.deducted.str(), k.freight_cost.str(), k.satisfaction ? std::to_string(*k.satisfaction) : "",
                               k.escalated ? "yes" : "no", v.overdue ? "yes" : "no",
                               v.next_due ? format_rfc3339(*v.next_due, zone) : "", std::to_string(k.events.size())});
      }
      return;
    }
    // Events, in global order; a case's filters are judged on its replayed state.
    std::map<std::string, bool> case_selected;
    bool filter_cases = !f->filter.states.empty() || !f->filter.kinds.empty() || !f->filter.reason.empty() ||
                        !f->filter.sku.empty() || !f->filter.category.empty() || !f->filter.site.empty() ||
                        !f->filter.op.empty() || f->filter.overdue;
    if (filter_cases)
      for (Case& c : replay_all(ledger)) {
        std::string id = c.id;
        bool ok = f->filter.matches(c);
        if (ok && f->filter.overdue) ok = view_case(std::move(c), policies, now).overdue;
        case_selected[id] = ok;
      }
    if (csv) write_csv_row(stdout, {"recorded", "when", "case", "seq", "action", "by", "fields", "hash", "file", "line"});
    for (std::size_t i : ledger.time_order()) {
      const StoredEvent& e = ledger.events[i];
      if (since && e.when < *since) continue;
      if (until && e.when >= *until) continue;
      if (filter_cases && !case_selected[e.event.case_id]) continue;
      if (!csv) {
        fmt::print("{}\n", event_json(e, &ledger.files, zone).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        continue;
      }
      std::string fields;
      for (const auto& fl : e.event.fields) fields += (fields.empty() ? "" : " ") + fl.key + "=" + quote_value(fl.value);
      write_csv_row(stdout, {format_utc(e.event.recorded), format_rfc3339(e.when, zone), e.event.case_id,
                             std::to_string(e.event.seq), e.event.action, e.event.by, fields, e.event.hash,
                             ledger.files[e.file], std::to_string(e.line)});
    }
  });
}

}  // namespace rma::cli
