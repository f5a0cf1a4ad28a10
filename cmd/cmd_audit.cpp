// rma audit [REV..REV]: verify in git history that ledger files were only appended to.
#include <CLI/CLI.hpp>

#include <boost/filesystem/operations.hpp>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

#include "audit.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "text.hpp"

namespace rma::cli {

void setup_audit(CLI::App& sub, Context& ctx) {
  auto range = std::make_shared<std::string>();
  sub.add_option("RANGE", *range, "A..B, a revision (its whole history), or nothing (HEAD's history)");
  sub.footer(
      "Works in a clone, in a bare repository and in a server's pre-receive hook; needs no workspace.\n"
      "Exit 0 when every ledger file was only appended to, 1 with violations.\n\n"
      "Examples:\n"
      "  rma audit origin/main..HEAD\n"
      "  rma audit                       # all of HEAD's history\n"
      "See examples/hooks/pre-receive and examples/ci/audit.sh.");
  sub.callback([range, &ctx] {
    fs::path where = ctx.options.dir ? fs::absolute(*ctx.options.dir, ctx.cwd()) : ctx.cwd();
    AuditReport r = audit_history(where, *range);
    if (ctx.json()) {
      nlohmann::json v = nlohmann::json::array();
      for (const auto& x : r.violations)
        v.push_back({{"commit", x.commit}, {"parent", x.parent}, {"file", x.file}, {"line", x.line}, {"message", x.message},
                     {"old_text", x.old_text}});
      fmt::print("{}\n", nlohmann::json{{"commits", r.commits}, {"file_versions", r.file_versions}, {"violations", v},
                                        {"ok", r.violations.empty()}}
                             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
      for (const auto& x : r.violations) {
        fmt::print("{}{}: commit {}: {}\n", x.file, x.line ? fmt::format(":{}", x.line) : "", x.commit.substr(0, 12), x.message);
        if (!x.old_text.empty()) fmt::print("  was: {}\n", printable(x.old_text));
        fmt::print("  hint: compare with `git diff {} {} -- {}`; restore the committed lines\n", x.parent.substr(0, 12),
                   x.commit.substr(0, 12), x.file);
      }
      if (!ctx.options.quiet || !r.violations.empty())
        fmt::print("{}: {} commits, {} ledger file versions compared: {} violation{}\n", r.violations.empty() ? "ok" : "FAILED",
                   r.commits, r.file_versions, r.violations.size(), r.violations.size() == 1 ? "" : "s");
    }
    ctx.exit_code = r.violations.empty() ? 0 : 1;
  });
}

}  // namespace rma::cli
