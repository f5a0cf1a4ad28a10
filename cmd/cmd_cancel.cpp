// rma cancel: cancel a case
#include "commands.hpp"
#include "writer.hpp"

namespace rma::cli {

void setup_cancel(CLI::App& sub, Context& ctx) {
  WriterFlags f = writer_command(sub, ctx, "cancel");
  f.case_id(sub);
  f.value(sub, "why", "why", "TEXT");
  sub.footer(
      "Examples:\n"
      "  rma cancel RMA-261123-SH-0042 --why \"customer withdrew the request\"\n"
      "  rma cancel RMA-261123-SH-0042 --why \"duplicate of RMA-261123-SH-0041\"");
}

}  // namespace rma::cli
