// rma review: approve, reject, or ask for information
#include "commands.hpp"
#include "writer.hpp"

namespace rma::cli {

void setup_review(CLI::App& sub, Context& ctx) {
  WriterFlags f = writer_command(sub, ctx, "review");
  f.case_id(sub);
  f.flag(sub, "approve", "approve the request")->group("Decision (one of)");
  f.flag(sub, "reject", "reject it (with --why, shown to the customer)")->group("Decision (one of)");
  f.value(sub, "need-info", "ask the customer for something: what is missing", "TEXT")->group("Decision (one of)");
  f.value(sub, "resolution", "with --approve: refund | exchange | repair | compensation | none", "R");
  f.value(sub, "amount", "with --approve: the amount owed (default: what was paid)", "AMOUNT");
  f.value(sub, "freight", "with --approve: who pays return freight, company | customer (default: the policy's)", "PAYER");
  f.flag(sub, "keep-goods", "with --approve: the goods do not come back");
  f.value(sub, "why", "with --reject: the reason shown to the customer", "TEXT");
  sub.footer(
      "Large amounts and cases opened with an override need a supervisor (exit 3 otherwise).\n\n"
      "Examples:\n"
      "  rma review RMA-261123-SH-0042 --approve --resolution refund --freight company\n"
      "  rma review RMA-261123-SH-0042 --need-info \"a photo of the damaged armrest\"");
}

}  // namespace rma::cli
