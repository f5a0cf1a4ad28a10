#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "lifecycle.hpp"

using namespace rma;

TEST_CASE("an action request keeps its options sorted by name, a repeatable option's values in the order given") {
  ActionRequest r;
  r.set("note", "first");
  r.add("evidence", "IMG-1");
  r.set("amount", "10.00");
  r.add("evidence", "IMG-2");
  r.set("approve", "");  // a flag
  using Options = std::vector<std::pair<std::string, std::string>>;
  CHECK(r.options == Options{{"amount", "10.00"}, {"approve", ""}, {"evidence", "IMG-1"}, {"evidence", "IMG-2"}, {"note", "first"}});

  CHECK(r.has("approve"));
  CHECK(r.get("approve") == std::string());
  CHECK_FALSE(r.has("appro"));
  CHECK_FALSE(r.get("notes"));
  CHECK(r.find("evidence") != nullptr);
  CHECK(*r.find("evidence") == "IMG-2");  // the last value given, as for an option given twice
  CHECK(r.all("evidence") == std::vector<std::string>{"IMG-1", "IMG-2"});
  CHECK(r.all("deduct").empty());

  SUBCASE("set replaces every value before it") {
    r.set("evidence", "IMG-3");
    CHECK(r.all("evidence") == std::vector<std::string>{"IMG-3"});
    r.set("note", "second");
    CHECK(r.get("note") == "second");
    CHECK(r.options.size() == 4);
  }
  SUBCASE("set_all gives a repeatable option its values, or takes it away with none") {
    r.set_all("deduct", {"freight=5.00", "restocking=2.00"});
    CHECK(r.all("deduct") == std::vector<std::string>{"freight=5.00", "restocking=2.00"});
    CHECK(r.options[2].first == "deduct");  // in its place among the names
    r.set_all("evidence", {});
    CHECK_FALSE(r.has("evidence"));
    CHECK(r.options == Options{{"amount", "10.00"}, {"approve", ""}, {"deduct", "freight=5.00"}, {"deduct", "restocking=2.00"},
                               {"note", "first"}});
  }
}
