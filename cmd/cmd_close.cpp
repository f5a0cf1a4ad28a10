// rma close: close a case after the follow-up
#include "commands.hpp"
#include "writer.hpp"

namespace rma::cli {

void setup_close(CLI::App& sub, Context& ctx) {
  WriterFlags f = writer_command(sub, ctx, "close");
  f.case_id(sub);
  f.value(sub, "satisfaction", "1 to 5, when the follow-up reached the customer", "N");
  f.value(sub, "feedback", "what the customer said", "TEXT");
  f.value(sub, "why", "required to close a partially refunded case: why less was accepted", "TEXT");
  sub.footer(
      "Examples:\n"
      "  rma close RMA-261123-SH-0042 --satisfaction 5 --feedback \"quick and friendly\"\n"
      "  rma close RMA-261123-SH-0042 --why \"customer accepted a partial refund\"");
}

}  // namespace rma::cli
