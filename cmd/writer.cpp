#include "writer.hpp"

#include <boost/filesystem/operations.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "error.hpp"
#include "journal.hpp"
#include "policy.hpp"
#include "workspace.hpp"

namespace rma::cli {

WriterFlags writer_command(CLI::App& sub, Context& ctx, const std::string& action) {
  WriterFlags flags;
  flags.request->action = action;
  flags.value(sub, "at", "when it happened, if earlier than now (RFC 3339, 'YYYY-MM-DD HH:MM' or YYYY-MM-DD)", "TIME")
      ->group("Common writer options");
  sub.add_flag("--dry-run", *flags.dry_run, "check and print the line, append nothing")->group("Common writer options");
  auto request = flags.request;
  auto dry_run = flags.dry_run;
  sub.callback([&ctx, request, dry_run] { run_writer(ctx, *request, *dry_run); });
  return flags;
}

namespace {

void git_commit(const boost::filesystem::path& root, const std::vector<std::string>& files, const std::string& message) {
  std::string out;
  std::vector<std::string> add = {"git", "add", "--"};
  add.insert(add.end(), files.begin(), files.end());
  int rc = run_program(add, root, &out);
  if (rc == 0) {
    std::vector<std::string> commit = {"git", "commit", "-q", "-m", message, "--"};
    commit.insert(commit.end(), files.begin(), files.end());
    rc = run_program(commit, root, &out);
  }
  if (rc != 0)
    throw Error(ErrorKind::system, "git commit", fmt::format("failed after the event was recorded: {}", out),
                "the event is safely in the ledger; commit it by hand (`git status`) once git works");
}

}  // namespace

void run_writer(Context& ctx, const ActionRequest& request, bool dry_run) {
  const auto& root = ctx.root();
  const Settings& settings = ctx.settings();
  std::string by = resolve_operator(settings, ctx.options.by);
  std::string site = resolve_site(root, ctx.options.site);
  PolicySet policies = load_policies(root);
  WriteEnv env{&settings, &policies, by, ctx.now()};

  Journal journal(root, site, settings.zone);
  ActionResult result = stage_action(journal, request, env);
  bool froze = result.freeze && !dry_run && freeze_policy(root, *result.freeze);
  AppendOutcome outcome = journal.commit(dry_run);
  for (const auto& w : outcome.warnings) ctx.warn(w);

  if (!dry_run && settings.git_commit && !result.already_recorded && result.appended) {
    std::vector<std::string> files = {*result.appended->file};
    if (froze) files.push_back("policies/archive/" + result.freeze->ref() + ".toml");  // frozen by this open
    git_commit(root, files, fmt::format("rma: {} {} by {}", request.action, result.case_id, by));
  }

  if (ctx.json()) {
    nlohmann::json j = {{"case", result.case_id},
                        {"action", result.action},
                        {"already_recorded", result.already_recorded},
                        {"dry_run", dry_run},
                        {"summary", result.summary},
                        {"notices", result.notices}};
    if (!result.state.empty()) j["state"] = result.state;
    if (result.appended) {
      j["seq"] = result.appended->event().seq;
      j["hash"] = result.appended->event().hash;
      j["file"] = *result.appended->file;
      std::string line = result.appended->line();
      line.pop_back();  // the LF
      j["line"] = std::move(line);
    }
    fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  } else if (ctx.options.quiet) {
    if (request.action == "open") fmt::print("{}\n", result.case_id);
  } else if (dry_run && result.appended) {
    fmt::print("{}", result.appended->line());
  } else {
    fmt::print("{}\n", result.summary);
  }
  if (!ctx.options.quiet || dry_run)
    for (const auto& n : result.notices) fmt::print(stderr, "rma: note: {}\n", n);
}

}  // namespace rma::cli
