// rma policy check | show [ID] | explain: validate and inspect return policies.
#include <CLI/CLI.hpp>

#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "context.hpp"
#include "error.hpp"
#include "policy.hpp"
#include "table.hpp"

namespace rma::cli {

namespace {

using nlohmann::json;

json policy_json(const Policy& p) {
  auto dur = [](const std::optional<Duration>& d) { return d ? json(d->str()) : json(nullptr); };
  json sla = json::object(), prio = json::object();
  for (std::size_t i = 0; i < kSlaTargetCount; ++i) {
    if (p.sla[i]) sla[kSlaTargets[i]] = p.sla[i]->str();
    if (p.sla_priority[i]) prio[kSlaTargets[i]] = p.sla_priority[i]->str();
  }
  return {{"id", p.id},
          {"version", p.version},
          {"ref", p.ref()},
          {"file", p.file},
          {"timezone", p.timezone},
          {"currency", p.currency},
          {"applies_to", p.applies_to},
          {"priority", p.priority},
          {"windows",
           {{"return", dur(p.return_window)},
            {"exchange", dur(p.exchange_window)},
            {"defect_report", dur(p.defect_report)},
            {"warranty", dur(p.warranty)},
            {"counting", p.counting == Counting::exact ? "exact" : "end-of-day"}}},
          {"reasons", {{"quality", p.quality_reasons}, {"other", p.other_reasons}}},
          {"conditions", {{"unused_required", p.unused_required}, {"freight", {{"quality", p.freight_quality}, {"other", p.freight_other}}}}},
          {"approval", {{"supervisor_over", p.supervisor_over}, {"overrides", p.overrides}, {"backdate_limit", p.backdate_limit.str()}}},
          {"sla", sla},
          {"sla_priority", prio},
          {"calendar", {{"workdays", p.workdays}, {"hours", p.hours}, {"holidays", p.holidays}, {"extra_workdays", p.extra_workdays}}}};
}

void setup_policy_check(CLI::App& sub, Context& ctx) {
  sub.footer("Exit 0 when every policy and rma.toml are valid, 6 otherwise (with file:line:column).\n\n"
             "Examples:\n  rma policy check\n  rma policy check --json");
  sub.callback([&ctx] {
    const auto& root = ctx.root();
    ctx.settings();
    PolicySet set = load_policies(root);
    if (ctx.json()) {
      json ids = json::array();
      for (const auto& p : set.policies) ids.push_back(p.ref());
      fmt::print("{}\n", json{{"ok", true}, {"policies", ids}}.dump());
      return;
    }
    if (ctx.options.quiet) return;
    for (const auto& p : set.policies)
      fmt::print("ok  {:<24} {}  applies to {}{}\n", p.ref(), p.file, fmt::join(p.applies_to, ", "),
                 p.priority ? fmt::format(" (priority {})", p.priority) : "");
    fmt::print("ok: rma.toml and {} polic{} valid\n", set.policies.size(), set.policies.size() == 1 ? "y is" : "ies are");
  });
}

void setup_policy_show(CLI::App& sub, Context& ctx) {
  auto id = std::make_shared<std::string>();
  sub.add_option("ID", *id, "the policy (default: all)");
  sub.footer("Prints the resolved values (defaults filled in) as TOML, or JSON with --json.\n\n"
             "Examples:\n  rma policy show default\n  rma policy show --json");
  sub.callback([id, &ctx] {
    PolicySet set = load_policies(ctx.root());
    std::vector<const Policy*> shown;
    if (id->empty())
      for (const auto& p : set.policies) shown.push_back(&p);
    else
      shown.push_back(&set.select(*id, ""));
    if (ctx.json()) {
      json out = json::array();
      for (const auto* p : shown) out.push_back(policy_json(*p));
      fmt::print("{}\n", (id->empty() ? out : out[0]).dump(2));
      return;
    }
    for (const auto* p : shown) fmt::print("# {} ({})\n{}\n", p->ref(), p->file, archive_text(*p));
  });
}

void setup_policy_explain(CLI::App& sub, Context& ctx) {
  struct Flags {
    std::string kind, reason, delivered, category, policy, reported;
    bool priority = false;
  };
  auto f = std::make_shared<Flags>();
  sub.add_option("--kind", f->kind, "return | exchange | repair | complaint")->required();
  sub.add_option("--reason", f->reason, "reason code")->required();
  sub.add_option("--delivered", f->delivered, "when the customer received the goods")->required();
  sub.add_option("--category", f->category, "the product category (chooses the policy)");
  sub.add_option("--policy", f->policy, "this policy instead of the one the category selects");
  sub.add_option("--reported", f->reported, "when the customer asks (default: now)");
  sub.add_flag("--priority", f->priority, "a priority case: its SLA targets");
  sub.footer("Shows which policy applies, every window's deadline and every SLA target, in local time and UTC.\n\n"
             "Examples:\n"
             "  rma policy explain --kind return --reason defect --delivered \"2026-11-21 10:00\"\n"
             "  rma policy explain --kind exchange --reason size --delivered 2026-11-01 --category furniture --json");
  sub.callback([f, &ctx] {
    const Settings& settings = ctx.settings();
    PolicySet set = load_policies(ctx.root());
    auto kind = parse_kind(f->kind);
    if (!kind) throw Error(ErrorKind::usage, fmt::format("--kind '{}'", f->kind), "is not a kind", "kinds: return, exchange, repair, complaint");
    const Policy& p = set.select(f->policy.empty() ? std::nullopt : std::optional(f->policy), f->category);
    if (!p.knows_reason(f->reason))
      throw Error(ErrorKind::usage, fmt::format("--reason '{}'", f->reason), fmt::format("is not a reason of policy {}", p.ref()),
                  fmt::format("reasons: {}, {}", fmt::join(p.quality_reasons, ", "), fmt::join(p.other_reasons, ", ")));
    Instant delivered = parse_time(f->delivered, settings.zone);
    Instant reported = f->reported.empty() ? ctx.now() : parse_time(f->reported, settings.zone);
    WindowVerdict v = check_windows(p, *kind, f->reason, delivered, reported);
    Zone pz = p.calendar.zone();
    std::vector<std::pair<std::string, Deadline>> all;
    auto add = [&](const char* name, const std::optional<Duration>& d) {
      if (d) all.emplace_back(name, p.calendar.deadline(delivered, *d, p.counting));
    };
    add("return", p.return_window);
    add("exchange", p.exchange_window);
    add("defect_report", p.defect_report);
    add("warranty", p.warranty);
    std::vector<std::tuple<std::string, Duration, Deadline>> slas;
    for (const char* target : kSlaTargets)
      if (auto d = p.sla_target(target, f->priority)) slas.emplace_back(target, *d, p.calendar.deadline(reported, *d));

    if (ctx.json()) {
      json windows = json::array(), targets = json::array();
      for (const auto& [name, d] : all)
        windows.push_back({{"window", name}, {"until", format_rfc3339(d.last(), pz)}, {"until_utc", format_utc(d.last())},
                           {"open_at_report", d.allows(reported)}});
      for (const auto& [name, d, due] : slas)
        targets.push_back({{"target", name}, {"duration", d.str()}, {"due_if_started_at_report", format_rfc3339(due.last(), pz)},
                           {"due_utc", format_utc(due.last())}});
      json out = {{"policy", p.ref()}, {"file", p.file}, {"kind", f->kind}, {"reason", f->reason},
                  {"quality", p.is_quality(f->reason)}, {"delivered", format_rfc3339(delivered, pz)},
                  {"reported", format_rfc3339(reported, pz)}, {"allowed", v.allowed}, {"windows", windows},
                  {"applicable_windows", json::array()}, {"sla", targets}, {"alternatives", v.alternatives}};
      for (const auto& [name, d] : v.windows) out["applicable_windows"].push_back(name);
      if (!v.allowed) out["refused_by"] = v.window;
      fmt::print("{}\n", out.dump(2));
      return;
    }
    fmt::print("policy {} ({}), {} time, counting {}\n", p.ref(), p.file, p.timezone,
               p.counting == Counting::exact ? "exact" : "end-of-day");
    fmt::print("{} for {} ({}), delivered {}, asked {}\n", f->kind, f->reason, p.is_quality(f->reason) ? "quality" : "other",
               format_human(delivered, pz), format_human(reported, pz));
    if (v.allowed) fmt::print("allowed: within every window that applies\n");
    else fmt::print("refused: outside the {} window{}\n", v.window, v.alternatives.empty() ? "" : "; still possible: " + fmt::format("{}", fmt::join(v.alternatives, "; ")));
    fmt::print("\n");
    Table t({"WINDOW", "LENGTH", "UNTIL (LOCAL)", "UNTIL (UTC)", "APPLIES", "AT THE REQUEST"});
    for (const auto& [name, d] : all) {
      std::optional<Duration> len = name == "return" ? p.return_window : name == "exchange" ? p.exchange_window
                                  : name == "defect_report" ? p.defect_report : p.warranty;
      bool applies = std::any_of(v.windows.begin(), v.windows.end(), [&](const auto& w) { return w.first == name; });
      t.add({{name, ""}, {len->str(), ""}, {format_human(d.last(), pz), ""}, {format_utc(d.last()), ""}, {applies ? "yes" : "", ""},
             {d.allows(reported) ? "open" : "passed", d.allows(reported) ? "32" : "31"}});
    }
    fmt::print("{}\n", t.render(ctx.color_stdout(), 0));
    Table s({"SLA TARGET", "LENGTH", "DUE IF STARTED AT THE REQUEST", "UTC"});
    for (const auto& [name, d, due] : slas)
      s.add({{name, ""}, {d.str(), ""}, {format_human(due.last(), pz), ""}, {format_utc(due.last()), ""}});
    fmt::print("{}", s.render(ctx.color_stdout(), 0));
  });
}

}  // namespace

void setup_policy(CLI::App& sub, Context& ctx) {
  sub.require_subcommand(1);
  setup_policy_check(*sub.add_subcommand("check", "validate every policy and rma.toml (exit 6 when any is invalid)"), ctx);
  setup_policy_show(*sub.add_subcommand("show", "resolved values of a policy"), ctx);
  setup_policy_explain(*sub.add_subcommand("explain", "which policy, windows and SLA deadlines a case would get"), ctx);
}

}  // namespace rma::cli
