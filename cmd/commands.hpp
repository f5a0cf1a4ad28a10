// The setup function of each subcommand, one per cmd/cmd_<name>.cpp.
#pragma once

namespace CLI {
class App;
}

namespace rma::cli {
class Context;

void setup_init(CLI::App& sub, Context& ctx);
void setup_check(CLI::App& sub, Context& ctx);
void setup_show(CLI::App& sub, Context& ctx);
void setup_list(CLI::App& sub, Context& ctx);
void setup_policy(CLI::App& sub, Context& ctx);
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
