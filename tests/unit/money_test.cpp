#include <doctest/doctest.h>

#include "error.hpp"
#include "money.hpp"

using namespace rma;

TEST_CASE("currencies have their minor units") {
  CHECK(currency_minor_digits("CNY") == 2);
  CHECK(currency_minor_digits("USD") == 2);
  CHECK(currency_minor_digits("JPY") == 0);
  CHECK(currency_minor_digits("KWD") == 3);
  CHECK_THROWS_AS(currency_minor_digits("cny"), Error);
  CHECK_THROWS_AS(currency_minor_digits("YUAN"), Error);
}

TEST_CASE("amounts parse exactly and print canonically") {
  CHECK(Money::parse("1999", 2).str() == "1999.00");
  CHECK(Money::parse("1999.5", 2).str() == "1999.50");
  CHECK(Money::parse("0.01", 2).minor() == 1);
  CHECK(Money::parse("1999", 0).str() == "1999");
  CHECK(Money::parse("007.10", 2).str() == "7.10");
  CHECK((Money::parse("0.10", 2) + Money::parse("0.20", 2)) == Money::parse("0.30", 2));
  CHECK(Money::parse("999999999999999.99", 2).str() == "999999999999999.99");
}

TEST_CASE("bad amounts are refused") {
  for (const char* bad : {"", "-1", "-0.00", "+5", "1e309", "1,000.00", "¥100", "0.001", "1.", ".5",
                          "NaN", "1 000", "1000000000000000"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(Money::parse(bad, 2), Error);
  }
  CHECK_THROWS_AS(Money::parse("1.5", 0), Error);
}
