// rma reopen: reopen a closed, rejected or cancelled case
#include "commands.hpp"
#include "writer.hpp"

namespace rma::cli {

void setup_reopen(CLI::App& sub, Context& ctx) {
  WriterFlags f = writer_command(sub, ctx, "reopen");
  f.case_id(sub);
  f.value(sub, "why", "why", "TEXT");
  sub.footer(
      "Every SLA clock of the case starts afresh.\n\n"
      "Examples:\n"
      "  rma reopen RMA-261123-SH-0042 --why \"the crack came back\"\n"
      "  rma reopen RMA-261123-SH-0042 --why \"rejected by mistake\"");
}

}  // namespace rma::cli
