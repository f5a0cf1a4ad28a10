// The shared shape of every writing subcommand: its options go into an ActionRequest (by
// their long names, exactly as an import row names them), and run_writer() does the rest.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "context.hpp"
#include "lifecycle.hpp"

namespace rma::cli {

struct WriterFlags {
  std::shared_ptr<ActionRequest> request = std::make_shared<ActionRequest>();
  std::shared_ptr<bool> dry_run = std::make_shared<bool>(false);

  // --NAME VALUE
  CLI::Option* value(CLI::App& sub, const std::string& name, const std::string& help,
                     const std::string& placeholder = "TEXT") const {
    auto req = request;
    return sub.add_option_function<std::string>("--" + name, [req, name](const std::string& v) { req->set(name, v); }, help)
        ->type_name(placeholder);
  }
  // --NAME VALUE, repeatable
  CLI::Option* repeated(CLI::App& sub, const std::string& name, const std::string& help,
                        const std::string& placeholder = "TEXT") const {
    auto req = request;
    return sub
        .add_option_function<std::vector<std::string>>(
            "--" + name, [req, name](const std::vector<std::string>& v) { req->set_all(name, v); }, help)
        ->type_name(placeholder)
        ->allow_extra_args(false);
  }
  // --NAME
  CLI::Option* flag(CLI::App& sub, const std::string& name, const std::string& help) const {
    auto req = request;
    return sub.add_flag_callback("--" + name, [req, name] { req->set(name, ""); }, help);
  }
  // CASE
  CLI::Option* case_id(CLI::App& sub) const {
    auto req = request;
    return sub.add_option_function<std::string>("CASE", [req](const std::string& v) { req->case_ref = v; }, "the case id")
        ->required();
  }
};

// Declares what every writer has (--at, --dry-run) and sets the callback that records the
// request. `action` names the event.
WriterFlags writer_command(CLI::App& sub, Context& ctx, const std::string& action);

// Checks and records the request (or, with --dry-run, prints the line it would append).
void run_writer(Context& ctx, const ActionRequest& request, bool dry_run);

}  // namespace rma::cli
