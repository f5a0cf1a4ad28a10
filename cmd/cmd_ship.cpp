// rma ship: goods on their way: --return (customer to us) or --replacement (us to customer)
#include "commands.hpp"
#include "writer.hpp"

namespace rma::cli {

void setup_ship(CLI::App& sub, Context& ctx) {
  WriterFlags f = writer_command(sub, ctx, "ship");
  f.case_id(sub);
  f.flag(sub, "return", "the customer sends the goods back")->group("Direction (one of)");
  f.flag(sub, "replacement", "we send the replacement or the repaired item")->group("Direction (one of)");
  f.value(sub, "carrier", "the carrier", "NAME");
  f.value(sub, "tracking", "the tracking number", "NO");
  f.value(sub, "cost", "freight paid by the company, for the cost of returns", "AMOUNT");
  sub.footer(
      "Examples:\n"
      "  rma ship RMA-261123-SH-0042 --return --carrier SF --tracking SF1234567890\n"
      "  rma ship RMA-261123-SH-0042 --replacement --carrier JD --tracking JD0001 --cost 25.00");
}

}  // namespace rma::cli
