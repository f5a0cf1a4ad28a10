// rma note: add a note to a case
#include "commands.hpp"
#include "writer.hpp"

namespace rma::cli {

void setup_note(CLI::App& sub, Context& ctx) {
  WriterFlags f = writer_command(sub, ctx, "note");
  f.case_id(sub);
  auto req = f.request;
  sub.add_option_function<std::string>("TEXT", [req](const std::string& v) { req->set("note", v); }, "the note")->required();
  sub.footer(
      "Examples:\n"
      "  rma note RMA-261123-SH-0042 \"customer prefers a call after 18:00\"\n"
      "  rma note RMA-261123-SH-0042 \"顾客要求上门取件\"");
}

}  // namespace rma::cli
