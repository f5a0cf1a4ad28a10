// rma: after-sales case handling over an append-only ledger.
// This file holds the command table, the global options, and the one place where errors
// become exit codes (DESIGN §7).

#include <CLI/CLI.hpp>

#include <csignal>
#include <fmt/format.h>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "context.hpp"
#include "error.hpp"
#include "text.hpp"

namespace {

using rma::cli::Command;

const std::vector<Command>& command_table() {
  static const std::vector<Command> table = {
      {"init", "create a workspace, or set a fresh clone's site", rma::cli::setup_init},
      {"open", "record a new case; prints its id", rma::cli::setup_open},
      {"review", "approve, reject, or ask for information", rma::cli::setup_review},
      {"ship", "goods on their way: --return or --replacement", rma::cli::setup_ship},
      {"receive", "warehouse intake and inspection", rma::cli::setup_receive},
      {"repair", "a repair done, on site or in the workshop", rma::cli::setup_repair},
      {"refund", "money back", rma::cli::setup_refund},
      {"contact", "a contact with the customer", rma::cli::setup_contact},
      {"note", "add a note to a case", rma::cli::setup_note},
      {"escalate", "escalate a case to someone", rma::cli::setup_escalate},
      {"correct", "fix an earlier event (nothing is edited in place)", rma::cli::setup_correct},
      {"resolve", "decide which branch of a fork stands", rma::cli::setup_resolve},
      {"cancel", "cancel a case", rma::cli::setup_cancel},
      {"close", "close a case after the follow-up", rma::cli::setup_close},
      {"reopen", "reopen a closed, rejected or cancelled case", rma::cli::setup_reopen},
      {"show", "a case: state, deadlines with time left or overdue, full history", rma::cli::setup_show},
      {"list", "cases filtered by state, kind, reason, sku, site, operator, dates, overdue", rma::cli::setup_list},
      {"report", "SLA compliance, aging, reasons, refunds, cost, cycle times, satisfaction", rma::cli::setup_report},
      {"reconcile", "refunds against a settlement file, receipts against a warehouse log", rma::cli::setup_reconcile},
      {"import", "many actions from CSV or JSON Lines, each checked as if typed", rma::cli::setup_import},
      {"export", "events or cases as JSON Lines or CSV", rma::cli::setup_export},
      {"check", "verify every ledger file: format, hash chains, forks, gaps", rma::cli::setup_check},
      {"audit", "verify in git history that ledger files were only appended to", rma::cli::setup_audit},
      {"completion", "print the shell completion script for bash or zsh", rma::cli::setup_completion},
      {"policy", "validate and inspect return policies: check, show, explain", rma::cli::setup_policy},
  };
  return table;
}

// Global options that take a value, so the pre-scan can skip their values.
bool takes_value(std::string_view arg) {
  for (std::string_view opt : {"--dir", "--site", "--by", "--now", "--format"})
    if (arg == opt) return true;
  return false;
}

// The first word that is not an option: the subcommand the user meant.
std::string_view find_subcommand(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") return {};
    if (takes_value(arg)) {
      ++i;
      continue;
    }
    if (!arg.empty() && arg[0] != '-') return arg;
  }
  return {};
}

// For an unknown option, the closest option of the command the user typed ("--repiar" ->
// "did you mean --repair?"); else where to find the options.
std::string usage_hint(CLI::App& app, const std::string& message) {
  CLI::App* command = &app;
  std::string path = "rma";
  while (!command->get_subcommands().empty()) {
    command = command->get_subcommands().front();
    path += " " + command->get_name();
  }
  std::vector<std::string> names;
  for (CLI::App* a : {command, &app})
    for (const CLI::Option* opt : a->get_options())
      for (const auto& n : opt->get_lnames()) names.push_back("--" + n);
  std::size_t pos = 0;
  while ((pos = message.find("--", pos)) != std::string::npos) {
    std::size_t end = message.find_first_of(" ,\n", pos);
    std::string token = message.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (auto eq = token.find('='); eq != std::string::npos) token.resize(eq);
    if (auto suggestion = rma::closest_match(token, names))
      return fmt::format("did you mean {}? `{} --help` shows the options", *suggestion, path);
    pos += 2;
  }
  return fmt::format("`{} --help` shows the options", path);
}

}  // namespace

int main(int argc, char** argv) {
  // A write past a file-size limit must fail with EFBIG (exit 7), not kill the process.
  std::signal(SIGXFSZ, SIG_IGN);

  rma::cli::Context ctx;
  CLI::App app{"rma: after-sales case handling (returns, exchanges, repairs, complaints) "
               "over an append-only ledger kept in git",
               "rma"};
  app.set_version_flag("--version", std::string("rma ") + RMA_VERSION);
  app.require_subcommand(1);
  app.footer(
      "`rma COMMAND --help` shows a command's options and examples; man rma, rma-ledger(5), rma-policy(5).\n\n"
      "Examples:\n"
      "  rma open --kind return --order SO-1001 --sku SOFA-01 --reason defect --channel phone \\\n"
      "           --delivered \"2026-11-22 10:00\" --paid 1999.00 --by alice\n"
      "  rma list --overdue");
  app.fallthrough(true);
  auto& g = ctx.options;
  app.option_defaults()->group("Global options");
  app.add_option("--dir", g.dir, "workspace folder (else $RMA_DIR, else the nearest folder upward holding rma.toml)");
  app.add_option("--site", g.site, "this clone's site code, where .rma/site has none yet (else $RMA_SITE)");
  app.add_option("--by", g.by, "the operator recording the event (else $RMA_OPERATOR)");
  app.add_option("--now", g.now, "a fixed clock for scripts and tests (else $RMA_NOW)");
  app.add_option("--format", g.format, "output of reading commands")
      ->check(CLI::IsMember({"table", "json", "csv", "html"}))
      ->capture_default_str();
  app.add_flag("--json", g.json, "JSON output (same as --format json)");
  app.add_flag("-q,--quiet", g.quiet, "print only what scripts need");
  app.add_flag("--no-color", g.no_color, "no colour (also NO_COLOR=1)");

  std::vector<std::string> names;
  for (const auto& command : command_table()) {
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    command.setup(*sub, ctx);
    names.emplace_back(command.name);
  }

  std::string_view wanted = find_subcommand(argc, argv);
  if (!wanted.empty() && std::find(names.begin(), names.end(), wanted) == names.end()) {
    auto suggestion = rma::closest_match(wanted, names);
    rma::Error error(rma::ErrorKind::usage, fmt::format("unknown command '{}'", rma::printable(wanted)),
                     suggestion ? fmt::format("did you mean '{}'?", *suggestion) : "no such command",
                     "`rma --help` lists the commands");
    rma::cli::print_error(ctx, error);
    return 2;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    rma::Error error(rma::ErrorKind::usage, "usage", e.what(), usage_hint(app, e.what()));
    rma::cli::print_error(ctx, error);
    return 2;
  } catch (const rma::Error& e) {
    rma::cli::print_error(ctx, e);
    return rma::exit_code(e.kind());
  } catch (const std::exception& e) {
    rma::cli::print_error(ctx, e);
    return 7;
  }
  return ctx.exit_code;
}
