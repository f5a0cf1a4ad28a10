// rma repair: a repair done, on site or in the workshop
#include "commands.hpp"
#include "writer.hpp"

namespace rma::cli {

void setup_repair(CLI::App& sub, Context& ctx) {
  WriterFlags f = writer_command(sub, ctx, "repair");
  f.case_id(sub);
  f.flag(sub, "onsite", "repaired at the customer's place")->group("Where (one of)");
  f.flag(sub, "workshop", "repaired in the workshop")->group("Where (one of)");
  f.value(sub, "technician", "who repaired it", "NAME");
  f.value(sub, "note", "what was done", "TEXT");
  sub.footer(
      "Examples:\n"
      "  rma repair RMA-261123-SH-0042 --onsite --technician \"Li Wei\" --note \"replaced the hinge\"\n"
      "  rma repair RMA-261123-SH-0042 --workshop --technician zhang");
}

}  // namespace rma::cli
