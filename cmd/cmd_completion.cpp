// rma completion bash|zsh: print the shell completion script.
#include <CLI/CLI.hpp>

#include <fmt/format.h>
#include <memory>

#include "commands.hpp"
#include "completions.hpp"
#include "context.hpp"

namespace rma::cli {

void setup_completion(CLI::App& sub, Context&) {
  auto shell = std::make_shared<std::string>();
  sub.add_option("SHELL", *shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));
  sub.footer(
      "Installing rma puts them where bash-completion and zsh look; or load one by hand.\n\n"
      "Examples:\n"
      "  source <(rma completion bash)\n"
      "  rma completion zsh > ~/.zfunc/_rma");
  sub.callback([shell] { fmt::print("{}", *shell == "bash" ? kBashCompletion : kZshCompletion); });
}

}  // namespace rma::cli
