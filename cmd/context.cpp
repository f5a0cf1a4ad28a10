#include "context.hpp"

#include <unistd.h>

#include <boost/filesystem/operations.hpp>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "end_process.hpp"
#include "error.hpp"
#include "ledger_index.hpp"
#include "progress.hpp"
#include "workspace.hpp"

namespace rma::cli {

fs::path Context::cwd() const { return fs::current_path(); }

const fs::path& Context::root() {
  if (!root_) root_ = find_workspace(options.dir, cwd());
  return *root_;
}

const Settings& Context::settings() {
  if (!settings_) settings_ = load_settings(root());
  return *settings_;
}

Instant Context::now() {
  if (!now_) {
    Zone zone = settings_ || root_ ? settings().zone : find_zone("UTC");
    now_ = resolve_now(options.now, zone);
  }
  return *now_;
}

namespace {
bool color_allowed(const Context& ctx, int fd) {
  if (ctx.options.no_color) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string_view(term) == "dumb") return false;
  return ::isatty(fd) == 1;
}
}  // namespace

bool Context::color_stdout() const { return color_allowed(*this, 1); }
bool Context::color_stderr() const { return color_allowed(*this, 2); }

void Context::warn(const std::string& message) const {
  if (color_stderr())
    fmt::print(stderr, "\x1b[33mrma: warning:\x1b[0m {}\n", message);
  else
    fmt::print(stderr, "rma: warning: {}\n", message);
}

void Context::warn_torn(const std::vector<LedgerIssue>& issues) const {
  for (const auto& issue : issues)
    if (issue.kind == IssueKind::torn_tail) warn(issue.where.file + ":" + std::to_string(issue.where.line) + ": " + issue.message);
}

const Ledger& Context::read_ledger(const char* doing, bool warn_torn_tails) {
  // Reachable from a global until exit, so leak checkers do not count it.
  static auto* kept = new std::deque<Ledger>;
  Progress progress(*this, doing);
  const Ledger& ledger = kept->emplace_back(rma::read_ledger(root(), progress.fn()));
  progress.done();
  if (warn_torn_tails) warn_torn(ledger.issues);
  return ledger;
}

LedgerView Context::read_case(const std::string& case_id) {
  LedgerView view;
  if (index_enabled()) {
    auto index = std::make_shared<LedgerIndex>(root());
    warn_torn(index->issues());
    view.files = index->files();
    view.stored = index->case_events(case_id);
    view.case_ids = [index] { return index->case_ids(); };
  } else {
    const Ledger& ledger = read_ledger();
    view.files = ledger.files;
    for (const StoredEvent* e : ledger.case_events(case_id)) view.stored.push_back(*e);
    view.case_ids = [&ledger] { return ledger.case_ids(); };
  }
  for (const auto& e : view.stored) view.events.push_back(&e);
  return view;
}

void print_error(const Context& ctx, const std::exception& error) {
  const auto* e = dynamic_cast<const Error*>(&error);
  if (ctx.json()) {
    nlohmann::json j;
    if (e) {
      j["error"] = {{"what", e->subject()}, {"message", e->why()}, {"hint", e->hint()},
                    {"exit", exit_code(e->kind())}};
      if (!e->where().empty()) {
        j["error"]["file"] = e->where().file;
        j["error"]["line"] = e->where().line;
        j["error"]["column"] = e->where().column;
      }
    } else {
      j["error"] = {{"what", "internal error"}, {"message", error.what()}, {"exit", 7}};
    }
    fmt::print(stderr, "{}\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  bool color = ctx.color_stderr();
  std::string red = color ? "\x1b[1;31m" : "", cyan = color ? "\x1b[36m" : "", reset = color ? "\x1b[0m" : "";
  if (!e) {
    fmt::print(stderr, "{}rma:{} internal error: {}\n", red, reset, error.what());
    return;
  }
  fmt::print(stderr, "{}rma:{} {}: {}\n", red, reset, e->subject(), e->why());
  if (!e->where().empty()) fmt::print(stderr, "{}", render_location(e->where()));
  if (!e->hint().empty()) fmt::print(stderr, "{}hint:{} {}\n", cyan, reset, e->hint());
}

void end_process(int code) {
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(code);
}

}  // namespace rma::cli
