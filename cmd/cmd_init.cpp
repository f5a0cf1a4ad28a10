// rma init [DIR] --site CODE [--git]: create a workspace, or set a fresh clone's site.
#include <CLI/CLI.hpp>

#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "context.hpp"
#include "error.hpp"
#include "workspace.hpp"

namespace rma::cli {

void setup_init(CLI::App& sub, Context& ctx) {
  struct Flags {
    std::string dir = ".";
    bool git = false;
  };
  auto flags = std::make_shared<Flags>();
  sub.add_option("DIR", flags->dir, "folder of the new workspace")->capture_default_str();
  sub.add_flag("--git", flags->git, "also create a git repository with a first commit");
  sub.footer(
      "The site code (--site, required) names this clone: RMA-261123-SH-0042 was opened at site SH.\n"
      "In a fresh clone of an existing workspace, init only records this clone's site.\n\n"
      "Examples:\n"
      "  rma init returns --site SH --git --by wang\n"
      "  git clone server:returns && cd returns && rma init --site BJ");
  sub.callback([flags, &ctx] {
    if (!ctx.options.site)
      throw Error(ErrorKind::usage, "init", "--site CODE is required",
                  "name this clone, e.g. `rma init " + flags->dir + " --site SH`");
    InitRequest request{flags->dir, *ctx.options.site, flags->git, ctx.options.by};
    InitResult result = init_workspace(request);
    if (ctx.json()) {
      nlohmann::json j = {{"root", result.root.string()}, {"created", result.created},
                          {"site", request.site}, {"files", result.files}};
      fmt::print("{}\n", j.dump());
    } else if (!ctx.options.quiet) {
      if (result.created)
        fmt::print("created workspace {} (site {}{})\n", result.root.string(), request.site,
                   flags->git ? ", git repository" : "");
      else if (result.files.empty())
        fmt::print("workspace {} already set up as site {}\n", result.root.string(), request.site);
      else
        fmt::print("workspace {}: this clone is now site {}\n", result.root.string(), request.site);
    }
  });
}

}  // namespace rma::cli
