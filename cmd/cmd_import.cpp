// rma import FILE: many actions from CSV or JSON Lines, each row checked as if typed.
#include <CLI/CLI.hpp>

#include <boost/filesystem/operations.hpp>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "context.hpp"
#include "end_process.hpp"
#include "error.hpp"
#include "file_io.hpp"
#include "import.hpp"
#include "progress.hpp"
#include "workspace.hpp"

namespace rma::cli {

void setup_import(CLI::App& sub, Context& ctx) {
  struct Flags {
    std::string file, format = "auto";
    bool skip_bad = false, dry_run = false;
  };
  auto f = std::make_shared<Flags>();
  sub.add_option("FILE", f->file, "a CSV file with a header, or JSON Lines")->required();
  sub.add_flag("--skip-bad", f->skip_bad, "append the good rows and report the bad ones (exit 1)");
  sub.add_flag("--dry-run", f->dry_run, "check every row, append nothing");
  sub.add_option("--input-format", f->format, "csv, jsonl, or auto (by the file's extension)")->capture_default_str();
  sub.footer(
      "A row is: action, case (an id, or ext:REF), key (idempotency), and the command's long option\n"
      "names without dashes. All or nothing unless --skip-bad; a row whose key is already in the\n"
      "ledger is skipped as done, and a refund whose reference is recorded is not paid twice.\n"
      "Exit 0 when every row was applied or already done, 1 with --skip-bad when rows were\n"
      "skipped, 6 when the file was refused as a whole.\n\n"
      "Examples:\n"
      "  rma import refunds-2026-11-23.csv --by batch\n"
      "  rma import web-requests.jsonl --skip-bad --json");
  sub.callback([f, &ctx] {
    const auto& root = ctx.root();
    const Settings& settings = ctx.settings();
    std::string by = resolve_operator(settings, ctx.options.by);
    std::string site = resolve_site(root, ctx.options.site);
    PolicySet policies = load_policies(root);
    std::string text = read_text_file(fs::absolute(f->file, ctx.cwd()), "import file");
    std::vector<RowError> row_errors;
    std::vector<ImportRow> rows = read_import_rows(text, f->file, f->format, row_errors);
    PolicyCache versions(root, &policies);
    WriteEnv env{&settings, &policies, by, ctx.now(), &versions};
    // Through the index: run_import asks it about each window of rows' cases, keys and references at once.
    Journal journal(root, site, settings.zone);
    Progress progress(ctx, "importing rows");
    ImportReport report = run_import(journal, rows, row_errors, env, f->skip_bad, f->dry_run, progress.fn());
    progress.done();

    bool refused = !report.bad.empty() && !f->skip_bad;
    if (ctx.json()) {
      nlohmann::json bad = nlohmann::json::array(), cases = nlohmann::json::array();
      for (const auto& b : report.bad)
        bad.push_back({{"file", f->file}, {"line", b.line}, {"message", b.message}, {"hint", b.hint}, {"exit", exit_code(b.kind)}});
      for (const auto& a : report.applied)
        cases.push_back({{"case", a.case_id()}, {"action", a.appended->event().action}, {"seq", a.appended->event().seq}});
      nlohmann::json out = {{"file", f->file},          {"rows", report.rows},     {"appended", report.committed ? report.applied.size() : 0},
                            {"valid", report.applied.size()}, {"already", report.already.size()}, {"bad", bad},
                            {"committed", report.committed}, {"dry_run", f->dry_run}, {"events", cases}};
      fmt::print("{}\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
      for (const auto& b : report.bad) {
        fmt::print(stderr, "{}:{}: rma: {}\n", f->file, b.line, b.message);
        if (!b.hint.empty()) fmt::print(stderr, "  hint: {}\n", b.hint);
      }
      if (refused)
        fmt::print("refused {}: {} of {} row{} bad; nothing was appended\n", f->file, report.bad.size(), report.rows,
                   report.rows == 1 ? " is" : "s are");
      else if (!ctx.options.quiet)
        fmt::print("{} {}: {} row{}, {} {}, {} already done{}\n", f->dry_run ? "checked" : "imported", f->file, report.rows,
                   report.rows == 1 ? "" : "s", report.applied.size(), f->dry_run ? "valid" : "appended", report.already.size(),
                   report.bad.empty() ? "" : fmt::format(", {} bad row{} skipped", report.bad.size(), report.bad.size() == 1 ? "" : "s"));
    }
    if (refused) {
      // The file as a whole was refused: the exit code of the rows' failure, as bad data.
      ctx.exit_code = exit_code(ErrorKind::bad_data);
      if (!ctx.json() && !report.bad.empty())
        fmt::print(stderr, "hint: fix the rows above and import again, or --skip-bad to append the good rows\n");
    } else if (!report.bad.empty()) {
      ctx.exit_code = exit_code(ErrorKind::findings);
    }
    end_process(ctx.exit_code);  // the rows, the results and the staged events go with the process
  });
}

}  // namespace rma::cli
