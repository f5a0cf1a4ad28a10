// rma reconcile refunds|receipts FILE.csv: the ledger against a settlement file or a
// warehouse receipt log; exit 1 when anything differs.
#include <CLI/CLI.hpp>

#include <boost/filesystem/operations.hpp>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "context.hpp"
#include "error.hpp"
#include "file_io.hpp"
#include "reconcile.hpp"
#include "render.hpp"
#include "table.hpp"

namespace rma::cli {

namespace {

void render(Context& ctx, const ReconcileReport& r, const std::string& file) {
  auto counts = r.counts();
  if (ctx.json()) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& i : r.items) {
      nlohmann::json j = {{"outcome", i.outcome}, {"case", i.case_id}, {"ledger", i.ledger_value}, {"file", i.file_value}};
      if (r.kind == "refunds") {
        j["ref"] = i.ref;
        j["currency"] = i.currency;
        j["file_currency"] = i.file_currency;
      }
      j["line"] = i.line ? nlohmann::json(i.line) : nlohmann::json(nullptr);
      if (!i.note.empty()) j["note"] = i.note;
      items.push_back(j);
    }
    nlohmann::json out = {{"kind", r.kind}, {"file", file}, {"file_rows", r.file_rows}, {"ignored_lines", r.ignored_lines},
                          {"counts", counts}, {"differs", r.differs()}, {"items", items}};
    fmt::print("{}\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  if (ctx.options.format == "csv") {
    write_csv_row(stdout, {"outcome", "ref", "case", "ledger", "file", "currency", "file_currency", "line", "note"});
    for (const auto& i : r.items)
      write_csv_row(stdout, {i.outcome, i.ref, i.case_id, i.ledger_value, i.file_value, i.currency, i.file_currency,
                             i.line ? std::to_string(i.line) : "", i.note});
    return;
  }
  Table t(r.kind == "refunds" ? std::vector<std::string>{"OUTCOME", "REF", "CASE", "LEDGER", "FILE", "LINE", "NOTE"}
                              : std::vector<std::string>{"OUTCOME", "CASE", "LEDGER", "FILE", "LINE", "NOTE"});
  t.flexible(r.kind == "refunds" ? 6 : 5);
  for (const auto& i : r.items) {
    if (i.outcome == "matched") continue;
    std::string ledger = i.ledger_value.empty() ? "" : i.ledger_value + (i.currency.empty() ? "" : " " + i.currency);
    std::string in_file = i.file_value + (i.file_currency.empty() ? "" : " " + i.file_currency);
    std::string line = i.line ? std::to_string(i.line) : "";
    if (r.kind == "refunds")
      t.add({{i.outcome, "1;31"}, {i.ref, ""}, {i.case_id, ""}, {ledger, ""}, {in_file, ""}, {line, ""}, {i.note, ""}});
    else
      t.add({{i.outcome, "1;31"}, {i.case_id, ""}, {ledger, ""}, {in_file, ""}, {line, ""}, {i.note, ""}});
  }
  if (!t.empty()) fmt::print("{}\n", t.render(ctx.color_stdout(), terminal_width()));
  std::string summary;
  for (const auto& [k, n] : counts) summary += (summary.empty() ? "" : ", ") + fmt::format("{} {}", n, k);
  fmt::print("{}: {} {} against {} ({} rows, {} summary lines ignored): {}\n", r.differs() ? "DIFFERS" : "ok", r.kind, "ledger", file,
             r.file_rows, r.ignored_lines, summary.empty() ? "nothing to compare" : summary);
}

void setup_kind(CLI::App& sub, Context& ctx, const std::string& kind) {
  struct Flags {
    std::string file, encoding = "auto", columns, delimiter = ",", since, until;
    int skip_lines = 0;
    bool negate = false;
  };
  auto f = std::make_shared<Flags>();
  sub.add_option("FILE", f->file, "the CSV file, as exported")->required();
  sub.add_option("--encoding", f->encoding, "auto (UTF-8, else GBK), utf-8 or gbk")->capture_default_str();
  sub.add_option("--skip-lines", f->skip_lines, "lines to drop before looking for the header (summary lines are skipped anyway)");
  sub.add_option("--columns", f->columns,
                 kind == "refunds" ? "map fields to the file's headers: ref=...,amount=...,currency=...,case=..."
                                   : "map fields to the file's headers: case=...,sku=...,qty=...");
  sub.add_option("--delimiter", f->delimiter, "the field separator")->capture_default_str();
  sub.add_option("--since", f->since, "compare only ledger events at or after TIME (the period the file covers)");
  sub.add_option("--until", f->until, "compare only ledger events before TIME");
  if (kind == "refunds") sub.add_flag("--negate", f->negate, "the file writes refunds as negative amounts");
  sub.footer(kind == "refunds"
                 ? "Matches by payment reference, then by case and amount. Exit 1 when anything differs.\n\n"
                   "Examples:\n"
                   "  rma reconcile refunds settlement-2026-11-23.csv --since 2026-11-23 --until 2026-11-24\n"
                   "  rma reconcile refunds alipay.csv --encoding gbk --negate --columns ref=商户退款单号,amount=退款金额 --json"
                 : "Matches by case; compares sku and quantity. Exit 1 when anything differs.\n\n"
                   "Examples:\n"
                   "  rma reconcile receipts warehouse-receipts.csv\n"
                   "  rma reconcile receipts wms.csv --columns case=RMA,sku=Item,qty=Qty --format csv");
  sub.callback([f, kind, &ctx] {
    Zone zone = ctx.settings().zone;
    ReconcileOptions o;
    o.encoding = f->encoding;
    o.skip_lines = f->skip_lines;
    o.negate = f->negate;
    if (f->delimiter.size() != 1)
      throw Error(ErrorKind::usage, fmt::format("--delimiter '{}'", f->delimiter), "must be one character", "such as , or ;");
    o.delimiter = f->delimiter[0];
    std::vector<std::string> fields = kind == "refunds" ? std::vector<std::string>{"ref", "amount", "currency", "case"}
                                                        : std::vector<std::string>{"case", "sku", "qty"};
    if (!f->columns.empty()) o.columns = parse_column_map(f->columns, fields);
    if (!f->since.empty()) o.since = parse_time(f->since, zone);
    if (!f->until.empty()) o.until = parse_time(f->until, zone);
    std::string raw = read_text_file(fs::absolute(f->file, ctx.cwd()), kind == "refunds" ? "settlement file" : "receipt log");
    const Ledger& ledger = ctx.read_ledger();  // the cases point into it
    std::vector<Case> cases = replay_all(ledger);
    ReconcileReport r = kind == "refunds" ? reconcile_refunds(cases, raw, f->file, o) : reconcile_receipts(cases, raw, f->file, o);
    render(ctx, r, f->file);
    ctx.exit_code = r.differs() ? 1 : 0;
  });
}

}  // namespace

void setup_reconcile(CLI::App& sub, Context& ctx) {
  sub.require_subcommand(1);
  setup_kind(*sub.add_subcommand("refunds", "ledger refunds against a payment processor's settlement file"), ctx, "refunds");
  setup_kind(*sub.add_subcommand("receipts", "receive events against a warehouse's receipt log"), ctx, "receipts");
}

}  // namespace rma::cli
