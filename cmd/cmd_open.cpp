// rma open: record a new case; prints its id
#include "commands.hpp"
#include "writer.hpp"

namespace rma::cli {

void setup_open(CLI::App& sub, Context& ctx) {
  WriterFlags f = writer_command(sub, ctx, "open");
  f.value(sub, "kind", "return | exchange | repair | complaint", "KIND")->required();
  f.value(sub, "order", "the order id", "ID");
  f.value(sub, "sku", "the product", "SKU");
  f.value(sub, "qty", "how many items (default 1)", "N");
  f.value(sub, "category", "product category: chooses the policy by its applies_to", "C");
  f.value(sub, "reason", "reason code from the policy (defect, size, changed-mind, ...)", "CODE");
  f.value(sub, "delivered", "when the customer received the goods", "TIME");
  f.value(sub, "paid", "what the customer paid, such as 1999.00", "AMOUNT");
  f.value(sub, "currency", "currency of --paid (default: the policy's)", "CUR");
  f.value(sub, "customer", "customer reference (never a name or a phone number)", "REF");
  f.value(sub, "phone", "a phone number; masked unless rma.toml allows it", "NUMBER");
  f.value(sub, "channel", "phone | web | store | email | chat", "CHANNEL");
  f.flag(sub, "priority", "a priority case (elderly, pregnant, ill, urgent): shorter SLAs; never record why");
  f.repeated(sub, "evidence", "a reference to a photo, video or document (repeatable)", "REF");
  f.value(sub, "note", "free text", "TEXT");
  f.value(sub, "policy", "judge by this policy instead of the one the category selects", "ID");
  f.value(sub, "override", "open outside a window: why (a supervisor must record it)", "WHY");
  f.value(sub, "ext", "the request id of the web form or order system: a retry opens nothing new", "REF");
  sub.footer(
      "Checks the policy windows (return, exchange, defect report, warranty) at once and refuses\n"
      "(exit 3) outside them, saying what is still possible.\n\n"
      "Examples:\n"
      "  rma open --kind return --order SO-1001 --sku SOFA-01 --reason defect --channel phone \\\n"
      "           --delivered \"2026-11-22 10:00\" --paid 1999.00 --note \"armrest cracked\"\n"
      "  id=$(rma open --kind complaint --customer C-88231 --reason other --channel web -q)");
}

}  // namespace rma::cli
