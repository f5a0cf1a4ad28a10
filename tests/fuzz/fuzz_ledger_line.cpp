// libFuzzer target: the ledger line parser. Any input either fails with a LineError or
// parses into an event whose canonical line parses back to the same event.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "ledger_line.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto parsed = rma::parse_line(line);
  if (auto* err = std::get_if<rma::LineError>(&parsed)) {
    if (err->byte > line.size()) std::abort();  // the fault must be inside the line
    return 0;
  }
  rma::Event event = std::get<rma::ParsedLine>(parsed).event;
  rma::Event copy = event;
  std::string written = rma::seal_event(copy, rma::kZeroHash);
  auto again = rma::parse_line(std::string_view(written).substr(0, written.size() - 1));
  if (!std::holds_alternative<rma::ParsedLine>(again)) std::abort();
  const rma::Event& back = std::get<rma::ParsedLine>(again).event;
  if (!(back == copy)) std::abort();
  return 0;
}
