// rma check [--repair]: verify every ledger file.
#include <CLI/CLI.hpp>

#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

#include "check.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "progress.hpp"

namespace rma::cli {

namespace {

nlohmann::json finding_json(const Finding& f) {
  nlohmann::json j = {{"kind", f.kind},
                      {"severity", f.severity == Severity::finding ? "finding" : "warning"},
                      {"message", f.message},
                      {"hint", f.hint}};
  if (!f.where.empty()) {
    j["file"] = f.where.file;
    j["line"] = f.where.line;
    j["column"] = f.where.column;
  }
  if (!f.case_id.empty()) {
    j["case"] = f.case_id;
    j["seq"] = f.seq;
  }
  return j;
}

}  // namespace

void setup_check(CLI::App& sub, Context& ctx) {
  auto repair = std::make_shared<bool>(false);
  sub.add_flag("--repair", *repair, "move torn last lines to .rma/quarantine/ (never deletes anything)");
  sub.footer(
      "Exit 0 when clean, 1 with findings, 6 when a file cannot be read as a ledger at all.\n\n"
      "Examples:\n"
      "  rma check\n"
      "  rma check --repair --json");
  sub.callback([repair, &ctx] {
    const auto& root = ctx.root();
    std::vector<std::string> repaired;
    if (*repair) repaired = repair_torn_tails(root);
    Progress progress(ctx, "checking ledger files");
    CheckReport report = check_files(root, progress.fn());
    progress.done();
    report.repaired = repaired;
    std::size_t findings = report.count(Severity::finding);
    std::size_t warnings = report.count(Severity::warning);

    if (ctx.json()) {
      nlohmann::json j = {{"files", report.files}, {"events", report.events}, {"cases", report.cases},
                          {"findings", findings},  {"warnings", warnings},    {"repaired", report.repaired},
                          {"ok", findings == 0}};
      j["items"] = nlohmann::json::array();
      for (const auto& f : report.findings) j["items"].push_back(finding_json(f));
      fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
      bool color = ctx.color_stdout();
      for (const auto& r : report.repaired) fmt::print("repaired: {}\n", r);
      for (const auto& f : report.findings) {
        std::string label = f.severity == Severity::finding ? "error" : "warning";
        if (color) label = (f.severity == Severity::finding ? "\x1b[1;31m" : "\x1b[33m") + label + "\x1b[0m";
        fmt::print("{}: {} [{}]: {}\n", location_text(f.where), label, f.kind, f.message);
        fmt::print("{}", render_quote(f.where));
        if (!f.hint.empty()) fmt::print("  hint: {}\n", f.hint);
      }
      if (!ctx.options.quiet || findings > 0)
        fmt::print("{}: {} files, {} events, {} cases: {} finding{}{}\n", findings == 0 ? "ok" : "FAILED",
                   report.files, report.events, report.cases, findings, findings == 1 ? "" : "s",
                   warnings ? fmt::format(", {} warning{}", warnings, warnings == 1 ? "" : "s") : "");
    }
    ctx.exit_code = report.unreadable ? 6 : findings > 0 ? 1 : 0;
  });
}

}  // namespace rma::cli
