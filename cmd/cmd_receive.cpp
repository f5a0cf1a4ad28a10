// rma receive: warehouse intake and inspection
#include "commands.hpp"
#include "writer.hpp"

namespace rma::cli {

void setup_receive(CLI::App& sub, Context& ctx) {
  WriterFlags f = writer_command(sub, ctx, "receive");
  f.case_id(sub);
  f.value(sub, "qty", "how many items came back", "N");
  f.value(sub, "damaged", "how many of them are damaged (default 0)", "N");
  f.value(sub, "condition", "intact | used | damaged | missing-parts", "C");
  f.value(sub, "disposition", "restock | repair | scrap | vendor", "D");
  f.value(sub, "arrived", "when the parcel arrived, if earlier than now (starts the intake SLA)", "TIME");
  f.value(sub, "note", "free text", "TEXT");
  sub.footer(
      "Examples:\n"
      "  rma receive RMA-261123-SH-0042 --qty 1 --condition intact --disposition restock\n"
      "  rma receive RMA-261123-SH-0042 --qty 2 --damaged 1 --condition damaged --disposition scrap --arrived \"2026-11-25 09:30\"");
}

}  // namespace rma::cli
