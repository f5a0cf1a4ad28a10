// The setup function of each subcommand, one per cmd/cmd_<name>.cpp.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace rma {
struct CaseFilter;
}

namespace rma::cli {
class Context;

// The filters shared by list and export (defined in cmd_list.cpp).
void add_filter_options(CLI::App& sub, CaseFilter& filter, std::string& since, std::string& until);

void setup_init(CLI::App& sub, Context& ctx);
void setup_check(CLI::App& sub, Context& ctx);
void setup_show(CLI::App& sub, Context& ctx);
void setup_list(CLI::App& sub, Context& ctx);
void setup_policy(CLI::App& sub, Context& ctx);
void setup_import(CLI::App& sub, Context& ctx);
void setup_export(CLI::App& sub, Context& ctx);
void setup_reconcile(CLI::App& sub, Context& ctx);
void setup_report(CLI::App& sub, Context& ctx);
void setup_audit(CLI::App& sub, Context& ctx);
void setup_completion(CLI::App& sub, Context& ctx);
void setup_open(CLI::App& sub, Context& ctx);
void setup_review(CLI::App& sub, Context& ctx);
void setup_ship(CLI::App& sub, Context& ctx);
void setup_receive(CLI::App& sub, Context& ctx);
void setup_repair(CLI::App& sub, Context& ctx);
void setup_refund(CLI::App& sub, Context& ctx);
void setup_contact(CLI::App& sub, Context& ctx);
void setup_note(CLI::App& sub, Context& ctx);
void setup_escalate(CLI::App& sub, Context& ctx);
void setup_correct(CLI::App& sub, Context& ctx);
void setup_resolve(CLI::App& sub, Context& ctx);
void setup_cancel(CLI::App& sub, Context& ctx);
void setup_close(CLI::App& sub, Context& ctx);
void setup_reopen(CLI::App& sub, Context& ctx);

}  // namespace rma::cli
