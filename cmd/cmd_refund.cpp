// rma refund: money back
#include "commands.hpp"
#include "writer.hpp"

namespace rma::cli {

void setup_refund(CLI::App& sub, Context& ctx) {
  WriterFlags f = writer_command(sub, ctx, "refund");
  f.case_id(sub);
  f.value(sub, "amount", "amount paid out", "AMOUNT");
  f.value(sub, "ref", "the payment reference: a retry with the same reference records nothing twice", "PAYMENT-REF");
  f.value(sub, "method", "original | transfer | voucher (default original)", "M");
  f.repeated(sub, "deduct", "a deduction this refund settles, such as freight=20.00 (repeatable)", "KIND=AMOUNT");
  f.value(sub, "currency", "must be the case's currency (a check for scripts)", "CUR");
  f.value(sub, "note", "free text", "TEXT");
  sub.footer(
      "Paid out plus deductions never exceed the amount owed (exit 5, saying what is left).\n\n"
      "Examples:\n"
      "  rma refund RMA-261123-SH-0042 --amount 1979.00 --deduct freight=20.00 --ref PAY-88123\n"
      "  rma refund RMA-261123-SH-0042 --amount 500.00 --method voucher --ref V-2026-0007");
}

}  // namespace rma::cli
