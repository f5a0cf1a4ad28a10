// The setup function of each subcommand, one per cmd/cmd_<name>.cpp.
#pragma once

namespace CLI {
class App;
}

namespace rma::cli {
class Context;

void setup_init(CLI::App& sub, Context& ctx);
void setup_check(CLI::App& sub, Context& ctx);

}  // namespace rma::cli
