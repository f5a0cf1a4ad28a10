// Money as decimal text with the currency's minor units: never a binary float.
// An amount is an integer count of minor units (fen, cents; yen have none), so adding,
// comparing and printing are exact.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace rma {

// "CNY" -> 2, "JPY" -> 0, "KWD" -> 3, from ICU's currency data.
// Throws Error(usage) unless the code is three upper-case letters.
int currency_minor_digits(std::string_view currency);
bool is_currency_code(std::string_view s);

class Money {
 public:
  Money() = default;

  // Parses "1999", "1999.5" or "1999.00" for a currency with two minor digits. Refused
  // (Error usage): signs, exponents, thousands separators, more decimals than the
  // currency has ("0.001" CNY), more than 15 integer digits.
  static Money parse(std::string_view text, int minor_digits);
  static Money from_minor(std::int64_t minor, int minor_digits) {
    return Money(minor, minor_digits);
  }

  std::int64_t minor() const { return minor_; }
  int digits() const { return digits_; }
  bool is_zero() const { return minor_ == 0; }

  std::string str() const;  // canonical text: "1999.00", JPY "1999"

  Money operator+(Money other) const { return Money(minor_ + other.minor_, digits_); }
  Money operator-(Money other) const { return Money(minor_ - other.minor_, digits_); }
  Money& operator+=(Money other) {
    minor_ += other.minor_;
    return *this;
  }
  auto operator<=>(const Money& other) const { return minor_ <=> other.minor_; }
  bool operator==(const Money& other) const { return minor_ == other.minor_; }

 private:
  Money(std::int64_t minor, int digits) : minor_(minor), digits_(digits) {}
  std::int64_t minor_ = 0;
  int digits_ = 2;
};

}  // namespace rma
