#include "money.hpp"

#include <array>
#include <fmt/format.h>
#include <unicode/ucurr.h>
#include <vector>

#include "error.hpp"

namespace rma {

bool is_currency_code(std::string_view s) {
  if (s.size() != 3) return false;
  for (char c : s)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

int currency_minor_digits(std::string_view currency) {
  if (!is_currency_code(currency))
    throw Error(ErrorKind::usage, fmt::format("currency '{}'", currency),
                "not an ISO 4217 code", "use three upper-case letters, such as CNY, USD or JPY");
  // ICU's lookup is slow next to a replay; each thread remembers the codes it has seen.
  thread_local std::vector<std::pair<std::array<char, 3>, int>> seen;
  std::array<char, 3> key = {currency[0], currency[1], currency[2]};
  for (const auto& [k, d] : seen)
    if (k == key) return d;
  UChar code[4] = {static_cast<UChar>(currency[0]), static_cast<UChar>(currency[1]),
                   static_cast<UChar>(currency[2]), 0};
  UErrorCode status = U_ZERO_ERROR;
  int32_t digits = ucurr_getDefaultFractionDigits(code, &status);
  if (U_FAILURE(status) || digits < 0 || digits > 4) digits = 2;
  seen.emplace_back(key, digits);
  return digits;
}

Money Money::parse(std::string_view text, int minor_digits) {
  auto bad = [&](std::string why, std::string hint) {
    return Error(ErrorKind::usage, fmt::format("amount '{}'", text), std::move(why),
                 std::move(hint));
  };
  std::string example = minor_digits == 0 ? "1999" : "1999." + std::string(static_cast<std::size_t>(minor_digits), '0');
  if (text.empty()) throw bad("is empty", "give an amount such as " + example);
  if (text[0] == '-' || text[0] == '+')
    throw bad("amounts carry no sign", "give the amount as a positive number such as " + example);
  std::size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  auto all_digits = [](std::string_view s) {
    for (char c : s)
      if (c < '0' || c > '9') return false;
    return true;
  };
  if (whole.empty() || !all_digits(whole) || !all_digits(frac) ||
      (dot != std::string_view::npos && frac.empty()))
    throw bad("is not a decimal number",
              "write digits with an optional decimal point, such as " + example +
                  " (no exponent, sign, currency sign or thousands separator)");
  if (static_cast<int>(frac.size()) > minor_digits)
    throw bad(minor_digits == 0
                  ? "this currency has no minor units"
                  : fmt::format("this currency has {} decimal places", minor_digits),
              "round the amount to the currency's smallest unit, such as " + example);
  std::size_t first = whole.find_first_not_of('0');
  std::string_view significant = first == std::string_view::npos ? "" : whole.substr(first);
  if (significant.size() > 15) throw bad("is too large", "amounts are limited to 15 integer digits");
  std::int64_t minor = 0;
  for (char c : significant) minor = minor * 10 + (c - '0');
  for (int i = 0; i < minor_digits; ++i) {
    auto k = static_cast<std::size_t>(i);
    minor = minor * 10 + (k < frac.size() ? frac[k] - '0' : 0);
  }
  return Money(minor, minor_digits);
}

std::string Money::str() const {
  std::int64_t v = minor_ < 0 ? -minor_ : minor_;
  std::string sign = minor_ < 0 ? "-" : "";
  if (digits_ == 0) return sign + std::to_string(v);
  std::int64_t scale = 1;
  for (int i = 0; i < digits_; ++i) scale *= 10;
  return fmt::format("{}{}.{:0{}}", sign, v / scale, v % scale, digits_);
}

}  // namespace rma
