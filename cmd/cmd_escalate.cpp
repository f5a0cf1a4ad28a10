// rma escalate: escalate a case to someone
#include "commands.hpp"
#include "writer.hpp"

namespace rma::cli {

void setup_escalate(CLI::App& sub, Context& ctx) {
  WriterFlags f = writer_command(sub, ctx, "escalate");
  f.case_id(sub);
  f.value(sub, "to", "to whom (a person or a team)", "WHO");
  f.value(sub, "why", "why", "TEXT");
  sub.footer(
      "Examples:\n"
      "  rma escalate RMA-261123-SH-0042 --to wang --why \"customer threatens a public complaint\"\n"
      "  rma escalate RMA-261123-SH-0042 --to quality-team --why \"third crack on this model this week\"");
}

}  // namespace rma::cli
