// rma resolve: decide which branch of a fork stands
#include "commands.hpp"
#include "writer.hpp"

namespace rma::cli {

void setup_resolve(CLI::App& sub, Context& ctx) {
  WriterFlags f = writer_command(sub, ctx, "resolve");
  f.case_id(sub);
  f.value(sub, "keep", "hash of the event that stands (rma show lists the branches)", "H");
  f.value(sub, "why", "why this branch stands", "TEXT");
  sub.footer(
      "A fork is two events with one case and seq, written by two sites at once.\n\n"
      "Examples:\n"
      "  rma show RMA-261123-SH-0042\n"
      "  rma resolve RMA-261123-SH-0042 --keep 8d2dc3cf7d98fbbe59b918a28d0c8dae --why \"BJ refunded first\"");
}

}  // namespace rma::cli
