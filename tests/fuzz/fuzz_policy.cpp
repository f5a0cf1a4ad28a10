// libFuzzer target: the policy loader. Any input is either a policy or an rma::Error with
// a place; nothing else may escape, crash or hang.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "error.hpp"
#include "policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    rma::Policy p = rma::parse_policy("fuzz.toml", text);
    (void)rma::archive_text(p);
  } catch (const rma::Error& e) {
    if (e.kind() != rma::ErrorKind::bad_data && e.kind() != rma::ErrorKind::usage) std::abort();
  }
  return 0;
}
