// rma correct: fix an earlier event: nothing is ever edited in place
#include "commands.hpp"
#include "writer.hpp"

namespace rma::cli {

void setup_correct(CLI::App& sub, Context& ctx) {
  WriterFlags f = writer_command(sub, ctx, "correct");
  f.case_id(sub);
  f.value(sub, "seq", "the event to correct (its number in `rma show`)", "N");
  f.repeated(sub, "set", "the corrected value (repeatable)", "KEY=VALUE");
  f.value(sub, "why", "what was wrong", "TEXT");
  sub.footer(
      "Examples:\n"
      "  rma correct RMA-261123-SH-0042 --seq 1 --set sku=SOFA-02 --why \"typo in the sku\"\n"
      "  rma correct RMA-261123-SH-0042 --seq 1 --set paid=1899.00 --set qty=2 --why \"order had two items\"");
}

}  // namespace rma::cli
