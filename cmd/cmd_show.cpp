// rma show CASE: state, deadlines with time left or overdue, full history.
#include <CLI/CLI.hpp>

#include <fmt/format.h>
#include <memory>

#include "commands.hpp"
#include "context.hpp"
#include "error.hpp"
#include "journal.hpp"
#include "render.hpp"
#include "table.hpp"
#include "text.hpp"

namespace rma::cli {

std::string state_color(const std::string& state) {
  if (state == "closed" || state == "cancelled") return "2";
  if (state == "rejected") return "35";
  if (state == "opened" || state == "waiting-info") return "33";
  return "36";
}

namespace {

std::string sla_color(SlaState s) {
  switch (s) {
    case SlaState::met: return "32";
    case SlaState::breached: return "1;31";
    case SlaState::paused: return "2";
    case SlaState::running: return "33";
  }
  return "";
}

void print_case(Context& ctx, const CaseView& v, Instant now) {
  Zone zone = ctx.settings().zone;
  const Case& c = v.c;
  bool color = ctx.color_stdout();
  auto paint = [&](const std::string& text, const std::string& sgr) {
    return color && !sgr.empty() ? "\x1b[" + sgr + "m" + text + "\x1b[0m" : text;
  };
  fmt::print("{}  {}  {}{}{}\n", paint(c.id, "1"), kind_name(c.kind), paint(state_name(c.state), state_color(state_name(c.state))),
             c.priority ? "  " + paint("priority", "1;33") : "", c.escalated ? "  " + paint("escalated", "1;35") : "");
  std::vector<std::string> facts;
  if (!c.order.empty()) facts.push_back("order " + c.order);
  if (!c.customer.empty()) facts.push_back("customer " + c.customer);
  if (!c.sku.empty()) facts.push_back(fmt::format("sku {} × {}", c.sku, c.qty));
  if (!c.category.empty()) facts.push_back("category " + c.category);
  std::string line;
  for (const auto& f : facts) line += (line.empty() ? "" : "  ") + f;
  if (!line.empty()) fmt::print("  {}\n", line);
  fmt::print("  reason {}{}  channel {}\n", c.reason,
             v.policy ? (v.policy->is_quality(c.reason) ? " (quality)" : "") : "", c.channel);
  if (c.delivered || c.paid)
    fmt::print("  {}{}\n", c.delivered ? "delivered " + format_human(*c.delivered, zone) + "  " : "",
               c.paid ? fmt::format("paid {} {}", c.paid->str(), c.currency) : "");
  fmt::print("  policy {}  opened {} by {} at site {}\n", c.policy_ref, format_human(c.opened, zone), c.opened_by, c.site);
  if (!c.resolution.empty())
    fmt::print("  resolution {}{}{}{}\n", c.resolution, c.owed ? fmt::format("  owed {}", c.owed->str()) : "",
               c.refunded.is_zero() && c.deducted.is_zero() ? ""
                                                            : fmt::format("  refunded {}  deducted {}  still owed {}", c.refunded.str(),
                                                                          c.deducted.str(), c.remaining().str()),
               c.keep_goods ? "  goods kept" : "");
  if (!c.condition.empty())
    fmt::print("  received {} ({} damaged), {}, {}\n", c.received_qty, c.damaged_qty, c.condition, c.disposition);
  if (c.satisfaction) fmt::print("  satisfaction {}/5\n", *c.satisfaction);
  if (c.forked) {
    fmt::print("\n{}\n", paint("Unresolved fork: two sites recorded different events with one seq", "1;31"));
    for (const auto& h : c.fork_heads) fmt::print("  branch {}\n", h);
    fmt::print("  decide with: rma resolve {} --keep HASH --why TEXT\n", c.id);
  }

  if (!v.windows.empty() || !v.slas.empty()) {
    fmt::print("\nDeadlines\n");
    Table t({"DEADLINE", "DUE", "STATE"});
    for (const auto& [name, d] : v.windows)
      t.add({{name + " window", ""}, {format_human(d.last(), zone), ""},
             {d.allows(c.opened) ? "opened within it" : "opened by override", d.allows(c.opened) ? "32" : "33"}});
    for (const auto& s : v.slas)
      t.add({{fmt::format("{} ({})", s.target, s.duration.str()), ""}, {format_human(s.due.last(), zone), ""},
             {sla_state_name(s.state) + (s.state == SlaState::met ? "" : ": " + due_text(s, now)), sla_color(s.state)}});
    fmt::print("{}", indent_lines(t.render(color, 0), "  "));
  }

  fmt::print("\nHistory\n");
  Table h({"#", "WHEN", "ACTION", "BY", "DETAILS"});
  h.flexible(4);
  for (const auto* e : c.events) {
    std::string details;
    for (const auto& f : e->event.fields) {
      if (f.key == "at") continue;
      details += (details.empty() ? "" : " ") + f.key + "=" + quote_value(f.value);
    }
    h.add({{std::to_string(e->event.seq), ""}, {format_human(e->when, zone), ""}, {e->event.action, "1"}, {e->event.by, ""},
           {details, ""}});
  }
  std::size_t width = terminal_width();
  fmt::print("{}", indent_lines(h.render(color, width > 2 ? width - 2 : 0), "  "));
}

}  // namespace

void setup_show(CLI::App& sub, Context& ctx) {
  auto id = std::make_shared<std::string>();
  sub.add_option("CASE", *id, "the case id")->required();
  sub.footer(
      "Examples:\n"
      "  rma show RMA-261123-SH-0042\n"
      "  rma show RMA-261123-SH-0042 --json | jq .slas");
  sub.callback([id, &ctx] {
    const auto& root = ctx.root();
    const Settings& settings = ctx.settings();
    if (!parse_case_id(*id))
      throw Error(ErrorKind::usage, fmt::format("case id '{}'", printable(id->substr(0, 60))), "is not a case id",
                  "case ids look like RMA-261123-SH-0042");
    LedgerView ledger = ctx.read_case(*id);
    const auto& events = ledger.events;
    if (events.empty()) {
      auto suggestion = closest_match(*id, ledger.case_ids());
      throw Error(ErrorKind::not_found, "case " + *id, "is not in the ledger",
                  suggestion ? fmt::format("did you mean {}?", *suggestion) : "`rma list` shows the cases");
    }
    PolicySet current = load_policies_for_reading(root);
    PolicyCache policies(root, &current);
    Instant now = ctx.now();
    CaseView v = view_case(replay_case(events), policies, now);
    if (ctx.json()) {
      fmt::print("{}\n", case_json(v, settings.zone, &ledger.files, true).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      return;
    }
    print_case(ctx, v, now);
  });
}

}  // namespace rma::cli
