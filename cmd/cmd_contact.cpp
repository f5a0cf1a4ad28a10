// rma contact: a contact with the customer (first contact, follow-up call)
#include "commands.hpp"
#include "writer.hpp"

namespace rma::cli {

void setup_contact(CLI::App& sub, Context& ctx) {
  WriterFlags f = writer_command(sub, ctx, "contact");
  f.case_id(sub);
  f.value(sub, "channel", "phone | web | store | email | chat", "CHANNEL");
  f.value(sub, "note", "what was said", "TEXT");
  sub.footer(
      "Examples:\n"
      "  rma contact RMA-261123-SH-0042 --channel phone --note \"customer confirmed pickup\"\n"
      "  rma contact RMA-261123-SH-0042 --channel email");
}

}  // namespace rma::cli
